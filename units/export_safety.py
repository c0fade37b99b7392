"""Formula (CSV) injection: a cell that begins with = + - @ (or a tab or carriage return)
is run as a formula by spreadsheet programs. Every export passes its text cells through
``neutralise`` (a leading apostrophe makes the cell plain text)."""

import re

import tablib

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_PREFIXES = ("=", "+", "@")
_NUMBER = re.compile(r"^-\d+(\.\d+)?$")


def looks_like_formula(value) -> bool:
    """= + @ start a formula in spreadsheet programs; so does - unless a plain number."""
    if not isinstance(value, str):
        return False
    return value.startswith(FORMULA_PREFIXES) or (
        value.startswith("-") and not _NUMBER.match(value)
    )


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def restore(value):
    """The value ``neutralise`` was given: re-importing an export must match the same rows
    (a name exported as ``'=…`` is ``=…``, and is then refused as a formula, not added)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(DANGEROUS_STARTS):
        return value[1:]
    return value


def neutralise_row(row) -> list:
    return [neutralise(value) for value in row]


def neutralise_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append(neutralise_row(row))
    return safe
