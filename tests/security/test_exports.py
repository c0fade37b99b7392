"""Every export escapes cells that begin with = + - @ (CSV / formula injection, issue 10 §4):
organisation CSV and xlsx, the indicator system, the ratings list and the bulletin xlsx."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.factories import UnitFactory
from tests.helpers import confirm_password

DANGER = ("=", "+", "-", "@")
PAYLOADS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", '=HYPERLINK("http://evil.example","点我")']


def dangerous_xlsx_cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content), data_only=False)
    bad = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f" or (isinstance(value, str) and value[:1] in DANGER):
                    bad.append(f"{sheet.title}!{cell.coordinate}: {value!r}")
    return bad


def dangerous_csv_cells(text: str) -> list:
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    return [v for row in rows for v in row if v[:1] in DANGER]


@pytest.fixture
def hostile_units(db):
    return [
        UnitFactory(name=f"{payload}单位{i}", short_name=payload[:30], slug=f"hostile-{i}")
        for i, payload in enumerate(PAYLOADS)
    ]


@pytest.mark.parametrize("kind", ["units", "branches", "categories", "groups"])
def test_organisation_csv_export_escapes_formulas(client, committee, hostile_units, kind):
    from tests.factories import BranchFactory

    for unit in hostile_units:
        BranchFactory(unit=unit, name=f"{unit.short_name}支部", secretary_name=unit.short_name)
    client.force_login(committee)
    confirm_password(client)
    response = client.get(f"/units/export/{kind}.csv")
    assert response.status_code == 200
    assert dangerous_csv_cells(response.content.decode("utf-8")) == []


def test_organisation_xlsx_export_escapes_formulas(client, committee, hostile_units):
    client.force_login(committee)
    response = client.get("/units/export/units.xlsx")
    assert response.status_code == 200
    assert dangerous_xlsx_cells(response.content) == []


def test_indicator_system_export_escapes_formulas(client, committee):
    from tests.factories import DimensionFactory, IndicatorFactory

    dimension = DimensionFactory(name="=1+1")
    for i, payload in enumerate(PAYLOADS):
        IndicatorFactory(parent=dimension, code=f"X{i}", name=payload, evidence_guide=payload)
    client.force_login(committee)
    response = client.get(f"/indicators/{dimension.system.pk}/export.xlsx")
    assert response.status_code == 200
    assert dangerous_xlsx_cells(response.content) == []


def test_ratings_export_escapes_formulas(client, committee, hostile_units):
    from feedback.services.ratings import RatingInput, submit_public_rating

    for i, (unit, payload) in enumerate(zip(hostile_units, PAYLOADS, strict=True)):
        submit_public_rating(
            RatingInput(unit=unit, level="satisfied", comment=payload), address=f"10.9.9.{i}"
        )
    client.force_login(committee)
    response = client.get("/feedback/", {"export": "xlsx"})
    assert response.status_code == 200
    assert dangerous_xlsx_cells(response.content) == []


def test_bulletin_xlsx_escapes_formulas(committee, hostile_units):
    from assessment.models import NegativeListEntry, Period
    from reports.services import render_bulletin_xlsx
    from tests.factories import PeriodFactory

    period = PeriodFactory()
    Period.objects.filter(pk=period.pk).update(status=Period.Status.CLOSED)
    period.refresh_from_db()
    for unit, payload in zip(hostile_units, PAYLOADS, strict=True):
        NegativeListEntry.objects.create(
            plan=period.plan,
            unit=unit,
            reason=payload,
            effect="deduction",
            points=Decimal("1"),
            created_by=committee,
        )
    assert dangerous_xlsx_cells(render_bulletin_xlsx(period)) == []
