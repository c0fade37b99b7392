"""系统取数: write the platform's own figures as the submissions of measured items, and the
staff override of such a figure.

A measured value becomes an ordinary submission (submitted, marked measured), so the
review and the scoring engine treat it like any reported number: staff confirm it with
the usual 通过, or override it with a recorded reason. Rules kept here:
- only committee staff (or the platform account of the scheduled run) record measures,
  only while the period is open (the review needs it open);
- a rerun writes only what changed (idempotent);
- an overridden value is never replaced: the new figure is kept next to it as
  measured_value; an accepted value is likewise kept, only measured_value moves;
- a measure without a figure (satisfaction below the minimum sample) writes nothing.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.errors import ensure
from units.models import Branch, Unit
from units.selectors import can_manage

from ..measures import measure
from ..models import Indicator, Period, Submission
from ..selectors.plans import FREQUENCIES_BY_PERIOD, has_active_children, system_for
from .submissions import (
    InvalidNumber,
    SubmissionError,
    check_number,
    conditional_update,
    ensure_open,
    record,
    transition,
)

PLATFORM_USERNAME = "platform-measures"


PENDING = (Submission.Status.SUBMITTED, Submission.Status.UNIT_CHECKED)


def platform_account():
    """The account the scheduled run acts as: inactive, without a password, named so the
    history reads 系统自动取数."""
    user, _created = get_user_model().objects.get_or_create(
        username=PLATFORM_USERNAME,
        defaults={"full_name": _("系统自动取数"), "is_active": False},
    )
    if _created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _may_record(user) -> bool:
    return user.username == PLATFORM_USERNAME or can_manage(user)


def measured_items(period: Period):
    """The period's active leaf items that the platform measures."""
    system = system_for(period)
    if system is None:
        return Indicator.objects.none()
    return (
        Indicator.objects.filter(
            system=system,
            retired_at__isnull=True,
            frequency__in=FREQUENCIES_BY_PERIOD[period.kind],
        )
        .exclude(measure="")
        .exclude(has_active_children())
        .prefetch_related("categories")
        .order_by("position", "code")
    )


def measure_targets(indicator: Indicator) -> list:
    """(unit id, branch id or None) of every active unit or branch the item applies to."""
    categories = [c.pk for c in indicator.categories.all()]
    units = Unit.objects.filter(active=True)
    if categories:
        units = units.filter(category_id__in=categories)
    if indicator.level == Indicator.Level.UNIT:
        return [(pk, None) for pk in units.values_list("pk", flat=True)]
    return list(Branch.objects.filter(active=True, unit__in=units).values_list("unit_id", "pk"))


@dataclass
class MeasureOutcome:
    created: int = 0
    updated: int = 0
    kept: list = field(default_factory=list)  # submissions whose value staff set or confirmed


@transaction.atomic
def record_measures(period: Period, *, by) -> MeasureOutcome:
    """Take every measured item's figures for the period and write them as submissions."""
    ensure(_may_record(by), _("只有机关工委工作人员可以取数。"))
    ensure_open(period)
    outcome = MeasureOutcome()
    now = timezone.now()
    for indicator in measured_items(period):
        targets = measure_targets(indicator)
        values = measure(indicator.measure, period, indicator.level, targets)
        existing = {
            (s.unit_id, s.branch_id): s
            for s in Submission.objects.select_for_update().filter(
                period=period, indicator=indicator
            )
        }
        for target, value in values.items():
            if value is None:
                continue
            submission = existing.get(target)
            if submission is None:
                _create(period, indicator, target, value, by=by, now=now)
                outcome.created += 1
            elif _refresh(submission, value, by=by, now=now):
                outcome.updated += 1
                if submission.override_reason or submission.status not in PENDING:
                    outcome.kept.append(submission)
    return outcome


def _create(period, indicator, target, value, *, by, now):
    unit_id, branch_id = target
    submission = Submission.objects.create(
        period=period, indicator=indicator, unit_id=unit_id, branch_id=branch_id
    )
    record(submission, by=by, action="create", to_status=submission.status)
    transition(
        submission,
        Submission.Status.SUBMITTED,
        by=by,
        read_version=submission.version,
        action="measure",
        value=value,
        measured_value=value,
        measured_at=now,
        submitted_at=now,
    )


def _refresh(submission, value, *, by, now) -> bool:
    """Bring a measured submission up to the new figure; False when nothing changed. The
    value follows the figure only while it awaits review and nobody overrode it."""
    if submission.measured_value == value and submission.measured_at is not None:
        return False
    fields = {"measured_value": value, "measured_at": now}
    if not submission.override_reason and submission.status in PENDING:
        fields["value"] = value
    changes = {
        name: [_text(getattr(submission, name)), _text(fields[name])]
        for name in ("value", "measured_value")
        if name in fields and getattr(submission, name) != fields[name]
    }
    conditional_update(submission, submission.version, **fields)
    record(submission, by=by, action="measure", changes=changes)
    return True


def _text(value):
    return None if value is None else str(value)


@transaction.atomic
def override_measured(submission: Submission, *, by, read_version: int, value, reason: str):
    """Staff replace a measured value awaiting review with their own, saying why; later
    measurements no longer touch it. The usual 通过 then scores it."""
    ensure(can_manage(by), _("只有机关工委工作人员可以修正系统取数。"))
    ensure_open(submission.period)
    if not submission.is_measured:
        raise SubmissionError(_("此项不是系统取数项。"))
    if submission.status not in PENDING:
        raise SubmissionError(
            _("此项%(status)s，不能修正。") % {"status": submission.get_status_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionError(_("修正系统取数时请写明原因。"))
    if value is None:
        raise InvalidNumber(_("请填写修正后的数值。"))
    check_number(submission.indicator, value)
    changes = {"value": [_text(submission.value), _text(value)]}
    conditional_update(submission, read_version, value=value, override_reason=reason)
    record(submission, by=by, action="override", changes=changes, reason=reason)
    return submission
