from django.utils.functional import SimpleLazyObject

from .selectors.inspection import is_inspector


def inspection(request):
    """Whether the nav shows 我的联检任务: asked only when a page renders the nav."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inspector_open": SimpleLazyObject(lambda: is_inspector(user))}
