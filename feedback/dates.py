"""The date a rating was received: a rule shared by the offline entry page, the survey
import and every other door that writes one."""

import datetime

from django.utils.translation import gettext as _

# How far back a rating may be dated: a three-year creation and the year before it. Older
# than that is a typing slip (1999, 0001), not a survey anyone still scores.
YEARS_BACK = 3


def received_on_problem(received_on: datetime.date, today: datetime.date) -> str:
    """Why the date cannot be a rating's received date ("" when it can)."""
    if received_on > today:
        return _("不能晚于今天（%(date)s 是未来的日期）。") % {"date": received_on.isoformat()}
    earliest = datetime.date(today.year - YEARS_BACK, 1, 1)
    if received_on < earliest:
        return _("不能早于 %(earliest)s（%(date)s 不在创建期内）。") % {
            "earliest": earliest.isoformat(),
            "date": received_on.isoformat(),
        }
    return ""
