"""Audit registrations for accounts, roles, API tokens and the organisation."""

from auditlog.registry import auditlog

from .models import ApiToken, Branch, Role, Unit, User

HIDE = "units.audit.hide"

auditlog.register(
    User,
    include_fields=[
        "username",
        "full_name",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "password",
    ],
    mask_fields=["password"],
    mask_callable=HIDE,
)
auditlog.register(Role)
# last_used_at changes on every API call: noise, not a change anyone made.
auditlog.register(
    ApiToken, exclude_fields=["last_used_at", "key_hash"], mask_fields=[], mask_callable=HIDE
)
auditlog.register(Unit)
auditlog.register(Branch)
