"""HTML → PDF through WeasyPrint: A4, a cover, running headers, "第 X 页 / 共 Y 页".

Templates extend ``reports/pdf/base.html``, which loads the shipped CJK font through
``@font-face`` (units/fonts.py) and sets the font stack on the body AND in every @page
margin box (margin boxes do not inherit the body font). No system font is needed;
``libharfbuzz-subset0`` makes subsetting fast (see docs/reports.md).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from units import fonts


def css_string(text: str) -> str:
    """Quote text for a CSS ``content`` value."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_counter_content() -> str:
    """CSS ``content`` for "第 X 页 / 共 Y 页", built from one translatable string."""
    text = _("第 %(page)s 页 / 共 %(pages)s 页")
    out, rest = [], text
    for token, counter in (("%(page)s", "counter(page)"), ("%(pages)s", "counter(pages)")):
        head, _sep, rest = rest.partition(token)
        out += [css_string(head), counter]
    out.append(css_string(rest))
    return " ".join(out)


def render_html(template: str, context: dict) -> str:
    context = {
        "font_face": fonts.font_face_css(),
        "font_stack": fonts.FONT_STACK,
        "page_counter": page_counter_content(),
        "header_left": css_string(context.get("header_left", "")),
        "header_right": css_string(context.get("header_right", "")),
        "generated_at": timezone.localtime(),
        "issuer": _("机关工委 · 创建模范机关工作领导小组办公室"),
        **{k: v for k, v in context.items() if k not in {"header_left", "header_right"}},
    }
    return render_to_string(template, context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading it costs ~0.3 s

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_html(template, context))
