"""The site's public address, for links and QR codes that leave the browser.

``SITE_URL`` wins when it is set (production: the address citizens reach). Without it a
page uses the address its request came in on — `make run` on port 8101 gives posters that
point to port 8101, not to a default. Work without a request (e-mail reminders from the
worker) falls back to the development address.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings

DEVELOPMENT_URL = "http://127.0.0.1:8000"


def site_root(request=None) -> str:
    """The scheme and host (and port) links start with, without a trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return DEVELOPMENT_URL


def site_root_source(request=None) -> str:
    """Where ``site_root`` took the address from: "setting", "request" or "default"."""
    if settings.SITE_URL:
        return "setting"
    return "request" if request is not None else "default"


def is_loopback(url: str) -> bool:
    """True for an address only this machine can open (localhost, 127.0.0.0/8, ::1): a QR
    code pointing there fails on every phone."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
