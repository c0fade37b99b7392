"""Fixtures for quarterly evidence, review and rectification tests (imported by the
test_submission*/review*/... modules of this folder).

An open Q4 of this year with three branch items: a graded item asking for text, a
quantitative item asking for a number (ratio rule, target 3), and a graded item asking for
an attachment. Dates are relative to today so "late" and "in time" are real.
"""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment.models import Indicator, Period, Standard
from tests.factories import (
    AnnualPlanFactory,
    DimensionFactory,
    IndicatorFactory,
    IndicatorSystemFactory,
    PeriodFactory,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def today():
    return timezone.localdate()


def pdf(name="支部委员会会议记录.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def office_zip(main_part, extra=None, compress=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compress) as archive:
        types = (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/word/document.xml" '
            f'ContentType="{main_part}"/>'
            "</Types>"
        )
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@pytest.fixture
def plan(db):
    return AnnualPlanFactory(year=today().year)


@pytest.fixture
def system(plan):
    return IndicatorSystemFactory(plan=plan)


@pytest.fixture
def period(plan, system):
    return PeriodFactory(
        plan=plan,
        kind=Period.Kind.Q4,
        opens_on=today() - dt.timedelta(days=30),
        deadline=today() + dt.timedelta(days=10),
        status=Period.Status.OPEN,
        system=system,
    )


@pytest.fixture
def previous_period(plan, system):
    return PeriodFactory(
        plan=plan,
        kind=Period.Kind.Q3,
        opens_on=today() - dt.timedelta(days=120),
        deadline=today() - dt.timedelta(days=80),
        status=Period.Status.PUBLISHED,
        system=system,
    )


@pytest.fixture
def dimension(system):
    return DimensionFactory(system=system, code="D1", name="组织夯实")


@pytest.fixture
def graded(dimension):
    return IndicatorFactory(
        parent=dimension,
        code="B1",
        name="“三会一课”制度落实",
        kind=Indicator.Kind.GRADED,
        standard=Standard.ORGANISATION,
        goal="responsibility",
        requires_text=True,
        max_score=Decimal("10"),
        position=1,
    )


@pytest.fixture
def quantitative(dimension):
    return IndicatorFactory(
        parent=dimension,
        code="B2",
        name="开展主题党日",
        kind=Indicator.Kind.QUANTITATIVE,
        standard=Standard.BELIEF,
        goal="politics",
        requires_number=True,
        number_label="主题党日次数",
        requires_text=False,
        rule={"type": "ratio", "target": 3},
        max_score=Decimal("6"),
        position=2,
    )


@pytest.fixture
def with_file(dimension):
    return IndicatorFactory(
        parent=dimension,
        code="B3",
        name="理论学习记录",
        kind=Indicator.Kind.GRADED,
        standard=Standard.THEORY,
        goal="politics",
        requires_text=False,
        requires_attachment=True,
        max_score=Decimal("5"),
        position=3,
    )


@pytest.fixture
def items(graded, quantitative, with_file):
    return {"graded": graded, "quantitative": quantitative, "with_file": with_file}


def item_url(period, branch, indicator, suffix=""):
    return f"/quarter/{period.pk}/{branch.pk}/items/{indicator.pk}/{suffix}"


def fill(period, branch, indicator, user, *, version=None, **data):
    """Save a draft through the service, starting from the current version."""
    from assessment.models import Submission
    from assessment.services.submissions import save_draft

    current = Submission.objects.filter(period=period, branch=branch, indicator=indicator).first()
    evidence = data.pop("evidence", None)
    return save_draft(
        period,
        branch,
        indicator,
        by=user,
        read_version=version if version is not None else (current.version if current else 0),
        data=data,
        evidence=evidence,
    )


def store(branch, period, user, upload=None):
    from assessment.services.evidence import store_evidence

    return store_evidence(upload or pdf(), by=user, unit=branch.unit, branch=branch, period=period)


def fill_all(period, branch, user, items):
    fill(period, branch, items["graded"], user, narrative="按月召开支委会，按季度上党课。")
    fill(period, branch, items["quantitative"], user, value=Decimal("3"), self_score=Decimal("6"))
    evidence = store(branch, period, user)
    fill(period, branch, items["with_file"], user, evidence=[evidence])


def submitted_world(period, branch, user, items):
    """All three items filled and submitted by the secretary."""
    from assessment.services.submissions import submit_branch

    fill_all(period, branch, user, items)
    return submit_branch(period, branch, by=user)
