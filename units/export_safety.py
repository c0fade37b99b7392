"""Formula (CSV) injection: a cell that begins with = + - @ (or a tab or carriage return)
is run as a formula by spreadsheet programs. Every export passes its text cells through
``neutralise`` (a leading apostrophe makes the cell plain text)."""

import tablib

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def neutralise_row(row) -> list:
    return [neutralise(value) for value in row]


def neutralise_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append(neutralise_row(row))
    return safe
