"""The one refusal every service raises when the actor may not do this to this object.

Services decide through their app's selectors (``may_…``) and raise ``NotAllowed``; the doors
only translate it: a web view lets it through to the 403 page, which shows the message; the
API's exception handler (config/api.py) answers the documented JSON 403 with the message.
It is a ``PermissionDenied``, so a door that forgets to catch it still answers 403."""

from django.core.exceptions import PermissionDenied


class NotAllowed(PermissionDenied):
    """This actor (user, or the narrowed scope of their API token) may not do this."""

    def __init__(self, message=""):
        self.message = str(message or "")
        super().__init__(self.message)


def ensure(allowed: bool, message="") -> None:
    """Raise NotAllowed unless the selector said yes."""
    if not allowed:
        raise NotAllowed(message)
