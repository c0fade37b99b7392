"""Every {% url %} a template names exists: a wrong name only fails when that branch of the
template renders (a problem raised from a follow-up case once answered 500 on its page)."""

import re

from django.conf import settings
from django.urls import URLResolver, get_resolver

URL_TAG = re.compile(r"""\{%\s*url\s+['"]([^'"]+)['"]""")


def url_names(resolver, prefix=""):
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            names |= url_names(pattern, prefix + namespace)
        elif pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_a_template_names_exists():
    known = url_names(get_resolver())
    named = {
        (path.relative_to(settings.BASE_DIR).as_posix(), name)
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        for name in URL_TAG.findall(path.read_text(encoding="utf-8"))
    }

    assert len(named) > 100
    assert sorted((path, name) for path, name in named if name not in known) == []
