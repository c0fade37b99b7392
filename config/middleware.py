class ChineseFirstMiddleware:
    """Chinese unless the visitor chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language header; the
    platform speaks Chinese first whatever the browser says, and English on request
    (the language cookie set by /i18n/setlang/).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class TrustedProxyMiddleware:
    """Behind N reverse proxies, the client is the Nth address from the right of
    X-Forwarded-For. Rate limits, login lock-out and duplicate detection read REMOTE_ADDR,
    so without this every citizen behind the TLS proxy would share the proxy's address.
    TRUSTED_PROXY_COUNT=0 (the default) trusts no header."""

    def __init__(self, get_response):
        from django.conf import settings

        self.count = settings.TRUSTED_PROXY_COUNT
        self.get_response = get_response

    def __call__(self, request):
        if self.count:
            forwarded = [
                part.strip()
                for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if part.strip()
            ]
            if len(forwarded) >= self.count:
                request.META["REMOTE_ADDR"] = forwarded[-self.count]
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Pages for a signed-in user, the API and exports are not kept by the browser's or a
    shared cache: a later user of the same computer must not find them in its history."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        private = request.path.startswith("/api/") or (user is not None and user.is_authenticated)
        if private and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
        return response
