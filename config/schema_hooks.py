"""drf-spectacular hooks: the checked-in schema must not depend on the database in use."""

# Integer bounds Django derives from the database backend (PositiveSmallIntegerField is
# 0..32767 on PostgreSQL but unbounded on SQLite, and so on). They say nothing about the
# API and would make docs/openapi.yaml differ between a SQLite and a PostgreSQL run.
DB_MAXIMA = {32767, 2147483647, 9223372036854775807}
DB_MINIMA = {-32768, -2147483648, -9223372036854775808}


def _strip(node):
    if isinstance(node, dict):
        if node.get("type") == "integer":
            removed = False
            if node.get("maximum") in DB_MAXIMA:
                del node["maximum"]
                removed = True
            if node.get("minimum") in DB_MINIMA:
                del node["minimum"]
                removed = True
            if removed and node.get("format") == "int64":
                del node["format"]
        for value in node.values():
            _strip(value)
    elif isinstance(node, list):
        for value in node:
            _strip(value)


def strip_database_integer_bounds(result, generator, request, public):
    _strip(result)
    return result
