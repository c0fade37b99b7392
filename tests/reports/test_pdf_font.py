"""PDFs render Chinese on any machine (issue 18 §1): the shipped subset of Noto Sans CJK SC
is loaded through @font-face and embedded, whatever fonts the system has; a system check
warns when it cannot be loaded."""

import io

import pytest
from django.core import checks
from pypdf import PdfReader

from reports import services
from units import fonts
from units.checks import pdf_font_loads

from .conftest import embedded_fonts

SHIPPED = {"Noto-Sans-SC-Subset", "Noto-Sans-SC-Subset-Bold"}


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_scorecard_pdf_text_is_chinese(scored):
    text = text_of(services.render_scorecard_pdf(scored["period"], scored["unit_a"]))
    assert "模范机关创建考核得分报告" in text
    assert "省甲厅" in text
    assert "一、总体情况" in text


def test_every_font_of_the_scorecard_is_the_shipped_one_embedded(scored):
    """Text, running headers, page numbers and the SVG charts alike: no system font."""
    found = embedded_fonts(services.render_scorecard_pdf(scored["period"], scored["unit_a"]))
    assert found == {name: True for name in SHIPPED}


def test_the_bulletin_and_the_posters_use_the_shipped_font_too(scored):
    from feedback.services import posters

    assert set(embedded_fonts(services.render_bulletin_pdf(scored["period"]))) <= SHIPPED
    assert set(embedded_fonts(posters.poster_pdf([scored["unit_a"]]))) <= SHIPPED


def test_the_shipped_faces_load_and_hold_the_chinese_they_print():
    assert fonts.font_problems() == []
    assert pdf_font_loads() == []
    for weight in fonts.FACES:
        assert fonts.font_path(weight).stat().st_size < 4_000_000


def test_a_missing_font_is_a_startup_warning(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    warnings = pdf_font_loads()
    assert [w.id for w in warnings] == ["units.W001", "units.W001"]
    assert all(isinstance(w, checks.Warning) for w in warnings)
    assert "NotoSansSCSubset-Regular.otf" in warnings[0].msg


@pytest.mark.parametrize("weight", [400, 700])
def test_the_font_face_rule_points_at_the_shipped_file(weight):
    css = fonts.font_face_css()
    assert f"font-weight: {weight}" in css
    assert fonts.font_path(weight).as_uri() in css
