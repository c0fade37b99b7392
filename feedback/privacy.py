"""Citizens' contact details: encrypted at rest, masked everywhere, hashed sources."""

import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def _fernet() -> Fernet:
    key = settings.FEEDBACK_CONTACT_KEY
    if not key:
        digest = hashlib.sha256(f"feedback-contact:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return "?"


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def is_mainland_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(value))


def mask_phone(phone: str) -> str:
    """13812345678 -> 138****5678."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳小明 -> 欧***."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def source_hash(address: str) -> str:
    """A salted hash of the client address; the address itself is never stored."""
    if not address:
        return ""
    salt = settings.FEEDBACK_SOURCE_SALT or f"feedback-source:{settings.SECRET_KEY}"
    return hmac.new(salt.encode(), address.encode(), hashlib.sha256).hexdigest()
