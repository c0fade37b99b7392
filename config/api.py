"""Project-wide API conventions: errors as JSON with a stable shape and a Chinese message.

The error schema every app documents its answers with lives here too (``ERROR``,
``error_schema``, ``IN_USE``), so the shape is written once for all apps.
"""

import logging
import uuid

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)
# How many of the referencing objects a refused delete names.
REFERENCES_SHOWN = 20

DEFAULT_MESSAGES = {
    400: gettext_noop("提交的数据有误。"),
    401: gettext_noop("请先登录或提供有效的令牌。"),
    403: gettext_noop("您没有执行此操作的权限。"),
    404: gettext_noop("对象不存在，或您无权查看。"),
    405: gettext_noop("不支持该请求方法。"),
    409: gettext_noop("数据已被他人修改，请刷新后重试。"),
    500: gettext_noop("服务器内部错误，请稍后重试；如仍失败，请把参考编号告诉管理员。"),
    429: gettext_noop("请求过于频繁，请稍后再试。"),
}
# Statuses whose message is always ours; the others keep a specific message when one exists
# (DRF's own English texts are replaced too).
GENERIC = {404, 405, 429}


def _error_fields():
    return {
        "status": serializers.IntegerField(),
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField()),
    }


def error_schema(name: str, **extra):
    """The documented error shape, with the extra members one answer adds (``current``…)."""
    return inline_serializer(
        name, {"error": inline_serializer(f"{name}Body", {**_error_fields(), **extra})}
    )


ERROR = error_schema("Error")
REFERENCE = inline_serializer(
    "Reference",
    {
        "type": serializers.CharField(),
        "id": serializers.CharField(),
        "name": serializers.CharField(),
    },
    many=True,
)
IN_USE = error_schema("InUseError", references=REFERENCE)
WRITE_ERRORS = {
    400: OpenApiResponse(ERROR, description="数据有误（字段错误见 fields）"),
    403: OpenApiResponse(ERROR, description="无权执行此操作（领导、只读令牌）"),
    404: OpenApiResponse(ERROR, description="对象不存在或不在您的范围内"),
}
STATE_ERRORS = {**WRITE_ERRORS, 409: OpenApiResponse(ERROR, description="当前状态不允许此操作")}
DELETE_ERRORS = {
    403: WRITE_ERRORS[403],
    404: WRITE_ERRORS[404],
    409: OpenApiResponse(
        IN_USE, description="code=in_use：仍被其他数据引用，不能删除；references 列出引用它的对象"
    ),
}


class StateConflict(exceptions.APIException):
    """A workflow move the object's state does not allow (units.workflow)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid_transition"
    default_detail = gettext_noop("当前状态不允许此操作。")


class OutOfRange(exceptions.ValidationError):
    default_detail = gettext_noop("提交的数值超出可存储的范围。")


class InUse(exceptions.APIException):
    """A delete refused because other records still point at the object."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "in_use"
    default_detail = "该记录仍被其他数据引用，不能删除。"

    def __init__(self, referencing):
        referencing = list(referencing)
        kinds = sorted({str(obj._meta.verbose_name) for obj in referencing})
        super().__init__(
            _("该记录仍被 %(count)d 条数据引用（%(kinds)s），不能删除；可改为停用。")
            % {"count": len(referencing), "kinds": "、".join(kinds)}
        )
        self.references = [
            {"type": str(obj._meta.verbose_name), "id": str(obj.pk), "name": str(obj)}
            for obj in referencing[:REFERENCES_SHOWN]
        ]


def exception_handler(exc, context):
    """{"error": {"status": 400, "code": "invalid", "message": "…", "fields": {...}}}

    Answers may add members: ``current`` (the item as it is now) on a 409, ``references``
    (what still points at an object whose delete was refused)."""
    if isinstance(exc, OverflowError | DataError):
        # A number too large for its column (SQLite raises OverflowError, PostgreSQL a
        # DataError): the caller's input, not the server's fault.
        exc = OutOfRange(_(OutOfRange.default_detail))
    if isinstance(exc, ProtectedError):
        exc = InUse(exc.protected_objects)
    elif isinstance(exc, RestrictedError):
        exc = InUse(exc.restricted_objects)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # A service's refusal (units.errors.NotAllowed) keeps its message.
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    detail = exc.detail if isinstance(exc, exceptions.APIException) else None
    fields = {}
    message = None
    if isinstance(detail, dict):
        fields = {k: _messages(v) for k, v in detail.items()}
        # A model's own refusal (a constraint across fields) arrives as "__all__".
        non_field = (
            fields.pop("non_field_errors", None)
            or fields.pop("__all__", None)
            or fields.pop("detail", None)
        )
        message = non_field[0] if non_field else None
    elif isinstance(detail, list):
        message = str(detail[0]) if detail else None
    elif detail is not None:
        message = str(detail)
    if status in GENERIC or (status in DEFAULT_MESSAGES and (not message or message.isascii())):
        message = _(DEFAULT_MESSAGES[status])
    code = getattr(exc, "default_code", "error")
    body = {"status": status, "code": code, "message": message or "", "fields": fields}
    for extra in ("current", "references"):
        if hasattr(exc, extra):
            body[extra] = getattr(exc, extra)
    response.data = {"error": body}
    return response


def _messages(detail) -> list[str]:
    """A field's errors as plain texts. A list or dict field (files, dimensions) nests its
    items' errors: they are flattened, never shown as Python's repr of ErrorDetail."""
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _messages(value)]
    return [str(detail)]


def _json_error(status_code, code, message, **extra):
    body = {"status": status_code, "code": code, "message": message, "fields": {}, **extra}
    return JsonResponse(
        {"error": body}, status=status_code, json_dumps_params={"ensure_ascii": False}
    )


def not_found(request):
    """404 for a path under /api/ that names no endpoint: the same JSON as any other 404."""
    return _json_error(404, "not_found", _(DEFAULT_MESSAGES[404]))


def server_error(request):
    """500 under /api/: JSON with a reference id, logged with the traceback, so a caller
    can quote it and the operator can find the cause."""
    reference = uuid.uuid4().hex[:12]
    logger.error("API error %s on %s %s", reference, request.method, request.path, exc_info=True)
    return _json_error(500, "server_error", _(DEFAULT_MESSAGES[500]), reference=reference)


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
