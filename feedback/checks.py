"""System check: the holiday table must know next year before the year begins."""

from django.core import checks
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from .workdays import calendar_years, next_year_missing


@checks.register()
def next_year_in_calendar(app_configs=None, **kwargs):
    try:
        known = calendar_years()
    except DatabaseError:  # before the first migrate: nothing to check yet
        return []
    year = next_year_missing(timezone.localdate(), known)
    if year is None:
        return []
    return [
        checks.Warning(
            _("节假日表还没有 %(year)d 年的数据：该年的回访期限将只按周末计算并标为暂定。")
            % {"year": year},
            hint=_(
                "升级 chinesecalendar 后运行 manage.py seed_workday_calendar，"
                "或在管理后台“节假日与调休”中录入国务院公布的安排。"
            ),
            id="feedback.W001",
        )
    ]
