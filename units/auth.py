from auditlog.models import LogEntry
from axes.backends import AxesStandaloneBackend
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.dispatch import receiver


class LockoutBackend(AxesStandaloneBackend):
    """django-axes lock-out for every login that comes through a request.

    Internal callers that authenticate without a request (the test client's login(), a
    management command) have nothing to throttle; they fall through to ModelBackend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request) -> str:
    """The lock-out's client address: the peer, or the address TrustedProxyMiddleware took
    from X-Forwarded-For when proxies are configured; never a header the client chose."""
    return request.META.get("REMOTE_ADDR", "")


@receiver(user_locked_out)
def _log_lockout(sender, request, username, ip_address, **kwargs):
    """A lock-out (at login, password re-entry or password change) goes into the audit log."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={"locked_out": [request.path if request else "", ip_address or ""]},
    )
