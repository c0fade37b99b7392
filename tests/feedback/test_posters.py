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
    assert "Noto-Sans-SC-Subset" in fonts  # the shipped font (units/fonts.py)
    assert "微信或手机相机扫码" in text and "省甲厅" in text


def test_download_all_is_a_zip_of_visible_units(client, world, unit_admin):
    client.force_login(unit_admin)
    response = client.get("/feedback/posters/all.zip")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == ["jia-甲厅.png", "all-posters.pdf"]


def test_unit_admin_cannot_download_another_units_poster(client, world, unit_admin):
    client.force_login(unit_admin)
    assert client.get("/feedback/posters/yi.png").status_code == 404


def qr_text(png: bytes) -> list[str]:
    import zxingcpp

    return [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_without_site_url_the_poster_points_to_the_address_the_request_came_in_on(
    client, unit_a, committee, settings
):
    """The issue's case: the site ran on port 8101, the code said 127.0.0.1:8000."""
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["pingyi.example.gov.cn"]
    client.force_login(committee)
    response = client.get("/feedback/posters/jia.png", HTTP_HOST="pingyi.example.gov.cn:8101")
    assert qr_text(response.content) == ["http://pingyi.example.gov.cn:8101/rate/jia/"]


def test_site_url_when_set_is_what_the_code_encodes(client, unit_a, committee, settings):
    settings.SITE_URL = "https://pingyi.example.gov.cn/"
    client.force_login(committee)
    response = client.get("/feedback/posters/jia.png")
    assert qr_text(response.content) == ["https://pingyi.example.gov.cn/rate/jia/"]
    page = client.get("/feedback/posters/").content.decode()
    assert "https://pingyi.example.gov.cn/</strong>" in page
    assert "来自 SITE_URL 设置" in page
    assert "群众的手机扫码打不开" not in page


def test_the_posters_page_warns_when_the_code_would_encode_a_loopback_address(
    client, unit_a, committee, settings
):
    settings.SITE_URL = ""
    client.force_login(committee)
    page = client.get("/feedback/posters/", HTTP_HOST="127.0.0.1:8101").content.decode()
    assert "http://127.0.0.1:8101/</strong>" in page
    assert "未设置 SITE_URL，取自本次访问的地址" in page
    assert "这是本机地址，群众的手机扫码打不开。" in page
    assert "http://127.0.0.1:8101/rate/jia/" in page


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://127.8.0.1", True),
        ("http://localhost:8101", True),
        ("http://[::1]:8000", True),
        ("http://10.0.0.5:8000", False),
        ("https://pingyi.example.gov.cn", False),
    ],
)
def test_loopback_addresses(url, loopback):
    from units.site import is_loopback

    assert is_loopback(url) is loopback
