"""API tokens: created and revoked by committee staff, shown once, stored as a hash."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ensure
from .models import ApiToken
from .selectors import may_manage_tokens

PREFIX_LENGTH = 8


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(*, name, user, created_by, unit=None, read_only=True, days=90):
    """Returns (token, key). The key is shown once and never stored."""
    ensure(may_manage_tokens(created_by), _("只有工委工作人员可以创建接口令牌。"))
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        user=user,
        unit=unit,
        read_only=read_only,
        prefix=key[:PREFIX_LENGTH],
        key_hash=_hash(key),
        expires_at=timezone.now() + timedelta(days=days),
        created_by=created_by,
    )
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, *, by) -> None:
    ensure(may_manage_tokens(by), _("只有工委工作人员可以撤销接口令牌。"))
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def find_active_token(key: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    # Record use at most once a minute: no write on every request.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
