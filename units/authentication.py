"""Token authentication for other systems: `Authorization: Bearer <key>`."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions

from .selectors import narrow_scope
from .tokens import find_active_token


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。"))
        token = find_active_token(header[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已撤销。"))
        narrow_scope(token.user, unit_id=token.unit_id, read_only=token.read_only)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ReadOnlyTokenPermission(permissions.BasePermission):
    """A read-only token may only read, whatever its user could do on the web."""

    message = _("该令牌为只读令牌。")

    def has_permission(self, request, view):
        token = request.auth
        if token is None or not getattr(token, "read_only", False):
            return True
        return request.method in permissions.SAFE_METHODS
