"""Every form field and API field that takes text has a length limit (issue 10 §4).

Walks every module of the project's apps, collects every Django Form and DRF serializer
defined there (new ones included, no list to keep up to date) and fails on a writable
text field without max_length."""

import importlib
import pkgutil

from django import forms
from rest_framework import serializers

APPS = ["config", "units", "assessment", "feedback", "reports"]
SKIPPED = (".migrations", ".management", "config.settings", "config.wsgi", "config.asgi")


def project_modules():
    for app in APPS:
        package = importlib.import_module(app)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if any(part in info.name for part in SKIPPED):
                continue
            yield importlib.import_module(info.name)


def subclasses(base):
    seen, stack = set(), [base]
    while stack:
        for cls in stack.pop().__subclasses__():
            if cls not in seen:
                seen.add(cls)
                stack.append(cls)
    return seen


def ours(cls):
    return cls.__module__.split(".")[0] in APPS


def unbounded_form_fields():
    list(project_modules())
    problems = []
    for form in sorted(filter(ours, subclasses(forms.BaseForm)), key=lambda c: c.__qualname__):
        for name, field in form.base_fields.items():
            if isinstance(field, forms.CharField) and field.max_length is None:
                problems.append(f"{form.__module__}.{form.__qualname__}.{name}")
    return problems


NOT_TEXT_FORMATS = {"binary", "date", "date-time", "time", "uuid", "decimal", "duration"}


def _unbounded(schema, where, components, seen):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from _unbounded(components[name], name, components, seen)
        return
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            yield from _unbounded(part, where, components, seen)
    kind = schema.get("type")
    if kind == "object":
        for name, prop in schema.get("properties", {}).items():
            if prop.get("readOnly"):
                continue
            yield from _unbounded(prop, f"{where}.{name}", components, seen)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            yield from _unbounded(extra, f"{where}.*", components, seen)
        elif extra is True or (not schema.get("properties") and extra is None and where):
            yield f"{where} (free-form object)"
    elif kind == "array":
        yield from _unbounded(schema.get("items", {}), f"{where}[]", components, seen)
    elif kind == "string":
        if "enum" in schema or schema.get("format") in NOT_TEXT_FORMATS:
            return
        if schema.get("maxLength") is None:
            yield where


def unbounded_api_request_fields():
    """Every field a client may SEND in a request body (from the OpenAPI schema, which is
    generated from the serializers and views) must be bounded. Query strings are bounded by
    the server's request-line limit (gunicorn: 4094 bytes)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    problems = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for content in operation.get("requestBody", {}).get("content", {}).values():
                problems += _unbounded(content.get("schema", {}), where, components, set())
    return sorted(set(problems))


def test_the_walk_finds_the_forms_and_serializers():
    list(project_modules())
    assert len([c for c in subclasses(forms.BaseForm) if ours(c)]) >= 20
    assert len([c for c in subclasses(serializers.BaseSerializer) if ours(c)]) >= 20


def test_every_form_text_field_has_a_max_length(db):
    assert unbounded_form_fields() == []


def test_every_api_text_field_has_a_max_length(db):
    assert unbounded_api_request_fields() == []
