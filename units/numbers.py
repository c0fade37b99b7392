"""Decimal rounding, written once for the whole project."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def rounded(value, places: Decimal = CENT) -> Decimal | None:
    """``value`` rounded half up (0.005 → 0.01) to ``places``; None and "" stay None.

    Every stored score, point and rate is rounded to 0.01 and every share shown as a
    percentage (satisfaction, reporting rates) to 0.1, always half up."""
    if type(value) is Decimal:  # the common case first: the engine rounds ~10⁶ a recompute
        return value.quantize(places, rounding=ROUND_HALF_UP)
    if value is None or value == "":
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(places, rounding=ROUND_HALF_UP)
