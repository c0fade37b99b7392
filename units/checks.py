"""System check: the shipped PDF font must load, or every PDF falls back to system fonts
(boxes for Chinese on a machine without a CJK font) while its job still says 已完成."""

from django.core import checks
from django.utils.translation import gettext as _

from .fonts import font_problems


@checks.register()
def pdf_font_loads(app_configs=None, **kwargs):
    return [
        checks.Warning(
            _("PDF 字体无法加载，报告中的中文可能显示为方框：%(problem)s") % {"problem": problem},
            hint=_(
                "请确认 static/fonts/ 中的字体文件完整，或用 tools/subset_cjk_font.py 重新生成。"
            ),
            id="units.W001",
        )
        for problem in font_problems()
    ]
