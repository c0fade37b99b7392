from django.utils.functional import SimpleLazyObject

from .inspection_nav import inspector_open


def inspection(request):
    """Whether the nav shows 我的联检任务 (kept in the session: no query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    return {"inspector_open": SimpleLazyObject(lambda: inspector_open(request))}
