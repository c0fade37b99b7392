"""Printable QR posters for service windows: PNG (Pillow) and PDF (WeasyPrint)."""

import base64
import io
import zipfile

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from units import fonts
from units.site import site_root


def form_url(unit, root: str | None = None) -> str:
    """The public form's address; ``root`` is the site's (units.site.site_root)."""
    return (root or site_root()) + reverse("feedback:rate_unit", args=[unit.slug])


def qr_png(unit, root=None, scale=10) -> bytes:
    buffer = io.BytesIO()
    segno.make(form_url(unit, root), error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def qr_svg_data_uri(unit, root=None) -> str:
    buffer = io.BytesIO()
    segno.make(form_url(unit, root), error="m").save(
        buffer, kind="svg", scale=10, border=2, xmldecl=False
    )
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _font(size):
    from PIL import ImageFont

    path = fonts.pillow_font_path()
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(path, size=size)


def reply_promise() -> str:
    return _("留下手机号可收到单位答复；差评%(days)d个工作日内答复") % {
        "days": settings.FEEDBACK_REPLY_WORKING_DAYS
    }


def poster_png(unit, root=None) -> bytes:
    """A 1240×1754 (A4 at 150 dpi) poster."""
    from PIL import Image, ImageDraw

    width, height = 1240, 1754
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    red = (183, 28, 28)
    ink = (31, 41, 51)
    draw.rectangle([0, 0, width, 40], fill=red)

    def centred(text, y, size, fill=ink):
        font = _font(size)
        box = draw.textbbox((0, 0), text, font=font)
        draw.text(((width - (box[2] - box[0])) / 2, y), text, font=font, fill=fill)

    centred(_("请您评价我们的服务"), 150, 84, red)
    centred(unit.name, 290, 64)
    centred(str(unit.category), 390, 40, (95, 107, 122))
    qr = Image.open(io.BytesIO(qr_png(unit, root, scale=20))).convert("RGB")
    qr = qr.resize((720, 720))
    image.paste(qr, ((width - 720) // 2, 500))
    centred(_("微信或手机相机扫码，匿名评价，无需注册"), 1270, 40)
    centred(_("非常满意 · 满意 · 基本满意 · 不满意 · 非常不满意"), 1340, 36, (95, 107, 122))
    centred(reply_promise(), 1410, 36, (95, 107, 122))
    centred(form_url(unit, root), 1520, 30, (95, 107, 122))
    centred(_("机关工委 · 创建模范机关工作领导小组办公室"), 1640, 32)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def poster_pdf(units, root=None) -> bytes:
    """One A4 page per unit."""
    from weasyprint import HTML

    pages = [{"unit": u, "qr": qr_svg_data_uri(u, root), "url": form_url(u, root)} for u in units]
    html = render_to_string(
        "feedback/poster.html",
        {
            "pages": pages,
            "promise": reply_promise(),
            "font_face": fonts.font_face_css(),
            "font_stack": fonts.FONT_STACK,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def posters_zip(units, root=None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for unit in units:
            archive.writestr(f"{unit.slug}-{unit.short_name}.png", poster_png(unit, root))
        archive.writestr("all-posters.pdf", poster_pdf(units, root))
    return buffer.getvalue()
