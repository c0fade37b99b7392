"""The date a rating was received: a rule shared by the offline entry page, the survey
import and every other door that writes one."""

import datetime

from django.utils.translation import gettext as _


def received_on_problem(received_on: datetime.date, today: datetime.date) -> str:
    """Why the date cannot be a rating's received date ("" when it can)."""
    if received_on > today:
        return _("不能晚于今天（%(date)s 是未来的日期）。") % {"date": received_on.isoformat()}
    return ""
