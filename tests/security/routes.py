"""Every URL pattern of the project, with what the permission matrix needs to call it.

New routes are picked up by walking ``get_resolver()``; a route only needs attention here
when it introduces a URL parameter name the matrix cannot classify (the matrix then fails and
says which), or when it is meant to be public (PUBLIC, with the reason)."""

import itertools
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media")

# Pages anyone may open without an account, and why.
PUBLIC = {
    "login": "the login page",
    "logout": "logging out is harmless without a session",
    "healthz": "load balancer health check",
    "feedback:unit_index": "citizens choose a unit to rate",
    "feedback:rate_unit": "the public rating form",
    "feedback:receipt_lookup": "citizens look up their receipt",
    "feedback:receipt": "a citizen's own rating, by its unguessable receipt number",
    "feedback:results_index": "published satisfaction results",
    "feedback:results": "one published result",
    "public-rating-list": "the public rating API (POST a rating, no account)",
    "api-schema": "the OpenAPI description (no data)",
    "api-docs": "the API documentation page (no data)",
}

# What a logged-in leader may POST although leaders change nothing in the assessment.
LEADER_MAY_POST = {
    "logout": "ends the own session",
    "confirm_password": "re-enters the own password",
    "password_change": "changes the own password",
}

# URL parameter names: "id" = a primary key (substituted with out-of-scope pks),
# "skip" = a format-suffix duplicate of another route; otherwise the in-scope values to try.
ID_KWARGS = {
    "pk",
    "period_pk",
    "branch_pk",
    "indicator_pk",
    "unit_pk",
    "plan_pk",
    "cycle_pk",
    "parent_pk",
}
VALUE_KWARGS = {"year", "slug", "kind", "file_format", "action", "code"}
SKIP_KWARGS = {"format"}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    kwargs: tuple
    is_api: bool
    callback: object

    @property
    def id_kwargs(self):
        return [k for k in self.kwargs if k in ID_KWARGS]


def _kwarg_names(pattern) -> list:
    """The parameter names of a route or regex pattern, in order."""
    groups = pattern.regex.groupindex
    return sorted(groups, key=groups.get)


def all_routes():
    routes = []

    def walk(patterns, prefix, namespace, kwargs):
        for p in patterns:
            text = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith(SKIPPED_PREFIXES) or text.startswith(SKIPPED_PREFIXES):
                    continue
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}{p.namespace}:"
                walk(p.url_patterns, text, ns, kwargs + _kwarg_names(p.pattern))
            elif isinstance(p, URLPattern):
                if text.startswith(SKIPPED_PREFIXES) or not p.name:
                    continue
                names = tuple(kwargs + _kwarg_names(p.pattern))
                routes.append(
                    Route(
                        name=f"{namespace}{p.name}",
                        pattern=text,
                        kwargs=names,
                        is_api=text.startswith("api/"),
                        callback=p.callback,
                    )
                )

    walk(get_resolver().url_patterns, "", "", [])
    return routes


def unclassified(routes):
    known = ID_KWARGS | VALUE_KWARGS | SKIP_KWARGS
    return sorted({f"{r.pattern} ({k})" for r in routes for k in r.kwargs if k not in known})


def matrix_routes():
    """Routes without format-suffix duplicates."""
    return [r for r in all_routes() if not set(r.kwargs) & SKIP_KWARGS]


def value_candidates(world, role_branch, role_unit) -> dict:
    g = world["global"]
    return {
        "year": [g["plan"].year],
        "slug": [role_unit.slug],
        "kind": ["units", "branches", "png", "pdf"],
        "file_format": ["csv", "xlsx"],
        "action": ["close"],
        "code": [world["inside"]["rating"].receipt],
        # ids by name; "pk" is probed (see in_scope_combinations)
        "period_pk": [g["closed_period"].pk, g["open_period"].pk],
        "branch_pk": [role_branch.pk],
        "indicator_pk": [g["indicator"].pk],
        "unit_pk": [role_unit.pk],
        "plan_pk": [g["plan"].pk],
        "cycle_pk": [g["cycle"].pk],
        "parent_pk": [g["dimension"].pk],
    }


def inside_pks(world) -> list:
    """Candidate values for a bare "pk" next to another parameter: in-scope objects."""
    g, inside = world["global"], world["inside"]
    objects = [*g.values(), *inside.values(), world["unit_a"], world["a1"]]
    return sorted({o.pk for o in objects if hasattr(o, "pk")})


def combinations(route, candidates, fixed=None):
    """Every assignment of in-scope values to the route's parameters (a few at most)."""
    fixed = fixed or {}
    choices = []
    for name in route.kwargs:
        if name in fixed:
            choices.append([fixed[name]])
        else:
            choices.append(candidates.get(name, []))
    for values in itertools.product(*choices):
        yield dict(zip(route.kwargs, values, strict=True))
