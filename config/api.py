"""Project-wide API conventions: errors as JSON with a stable shape and a Chinese message."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.views import exception_handler as drf_exception_handler

DEFAULT_MESSAGES = {
    400: "提交的数据有误。",
    401: "请先登录或提供有效的令牌。",
    403: "您没有执行此操作的权限。",
    404: "对象不存在，或您无权查看。",
    405: "不支持该请求方法。",
    409: "数据已被他人修改，请刷新后重试。",
    429: "请求过于频繁，请稍后再试。",
}
# Statuses whose message is always ours; the others keep a specific message when one exists
# (DRF's own English texts are replaced too).
GENERIC = {404, 405, 429}


def exception_handler(exc, context):
    """{"error": {"status": 400, "code": "invalid", "message": "…", "fields": {...}}}"""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    detail = exc.detail if isinstance(exc, exceptions.APIException) else None
    fields = {}
    message = None
    if isinstance(detail, dict):
        fields = {
            k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
        }
        non_field = fields.pop("non_field_errors", None) or fields.pop("detail", None)
        message = non_field[0] if non_field else None
    elif isinstance(detail, list):
        message = str(detail[0]) if detail else None
    elif detail is not None:
        message = str(detail)
    if status in GENERIC or (status in DEFAULT_MESSAGES and (not message or message.isascii())):
        message = _(DEFAULT_MESSAGES[status])
    code = getattr(exc, "default_code", "error")
    response.data = {
        "error": {"status": status, "code": code, "message": message or "", "fields": fields}
    }
    return response


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
