"""The API's JSON parser (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES). A module of its own:
DRF resolves the setting while drf-spectacular is imported, which config.api imports."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class ObjectJSONParser(parsers.JSONParser):
    """JSON whose top level is an object, as every endpoint reads it (``request.data.get``):
    an array, a string or a number is refused as a parse error, not answered 500; so is a
    document nested deeper than the interpreter's recursion limit."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(_("JSON 嵌套层数过多。")) from exc
        if not isinstance(data, dict):
            raise exceptions.ParseError(_("请求体应为 JSON 对象（{…}）。"))
        return data
