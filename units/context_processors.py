from django.utils.functional import SimpleLazyObject

from .models import Role
from .selectors import scope_of


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "scope": scope_of(user),
        "role_labels": SimpleLazyObject(
            lambda: [
                str(r) for r in Role.objects.filter(user=user).select_related("unit", "branch")
            ]
        ),
    }
