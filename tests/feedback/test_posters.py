import io
import shutil
import subprocess
import zipfile

import pytest
from PIL import Image

from feedback.services.posters import form_url

pytestmark = pytest.mark.django_db


def test_form_url_uses_site_url(unit_a, settings):
    settings.SITE_URL = "https://pingyi.example.gov.cn"
    assert form_url(unit_a) == "https://pingyi.example.gov.cn/rate/jia/"


def test_png_poster_is_a4_image(client, unit_a, committee):
    client.force_login(committee)
    response = client.get("/feedback/posters/jia.png")
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1240, 1754)


def test_pdf_poster_embeds_a_cjk_font(client, unit_a, committee, tmp_path):
    client.force_login(committee)
    response = client.get("/feedback/posters/jia.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if not shutil.which("pdffonts"):
        pytest.skip("font check needs poppler-utils (pdffonts)")
    path = tmp_path / "poster.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert any(name in fonts for name in ("CJK", "MicroHei", "Micro-Hei"))
    assert "微信或手机相机扫码" in text and "省甲厅" in text


def test_download_all_is_a_zip_of_visible_units(client, world, unit_admin):
    client.force_login(unit_admin)
    response = client.get("/feedback/posters/all.zip")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == ["jia-甲厅.png", "all-posters.pdf"]


def test_unit_admin_cannot_download_another_units_poster(client, world, unit_admin):
    client.force_login(unit_admin)
    assert client.get("/feedback/posters/yi.png").status_code == 404
