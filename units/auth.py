from axes.backends import AxesStandaloneBackend


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
