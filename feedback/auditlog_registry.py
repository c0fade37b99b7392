"""Audit registrations for citizen ratings: contact changes and moderation.

The log records THAT a contact field changed, never its value (encrypted or masked). A
rating from the public form is not logged when it is created (the rating itself is that
record, see services.ratings.submit_public_rating); ratings entered by staff are."""

from auditlog.registry import auditlog

from .models import Rating

CONTACT_FIELDS = [
    "contact_name_encrypted",
    "contact_phone_encrypted",
    "contact_name_masked",
    "contact_phone_masked",
]

auditlog.register(
    Rating,
    include_fields=[
        *CONTACT_FIELDS,
        "contact_consent",
        "moderation",
        "excluded",
        "excluded_reason",
    ],
    mask_fields=CONTACT_FIELDS,
    mask_callable="units.audit.hide",
)
