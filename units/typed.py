"""What a person typed into a refused form, carried over the redirect back to the page, and
a form's errors in one line for a message. Pages that answer a POST with a redirect (the
review queue, the inspector's worklist) would otherwise lose a written comment on any refusal."""


SESSION_PREFIX = "typed:"


def keep(request, key: str, names, **extra) -> None:
    """Keep the POSTed values of ``names`` (and ``extra``) for the next page that asks for
    ``key``."""
    values = {name: request.POST.get(name, "") for name in names}
    request.session[SESSION_PREFIX + key] = {**values, **extra}


def take(request, key: str) -> dict:
    """The values kept for ``key`` (once), or an empty dict."""
    return request.session.pop(SESSION_PREFIX + key, {})


def errors_in_a_line(form) -> str:
    """Each error under its field's label: 审核得分：确保总共不超过 6 个数字。"""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        text = "".join(str(e) for e in errors)
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)
