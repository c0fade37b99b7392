"""Reminder e-mails to branch secretaries (and the 党组成员 answering for the branch), each
sent once.

A reminder is claimed by inserting its row (unique per period, branch, kind and key) in the
same transaction that sends the mail: a second run finds the row and sends nothing, and a
failed send rolls the claim back so the next run tries again.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Branch, Role
from units.site import site_root
from units.wording import quoted

from ..models import Period, Reminder, Submission
from ..selectors.plans import items_for
from .submissions import DONE


def _emails_by_branch(branch_ids) -> dict:
    """The branch's secretaries, then the 党组成员 answering for it (一岗双责): both get the
    branch's reminders, in one mail."""
    branch_ids = list(branch_ids)
    result: dict = {}
    rows = list(
        Role.objects.filter(
            kind=Role.Kind.SECRETARY, branch_id__in=branch_ids, user__is_active=True
        ).values_list("branch_id", "user__email")
    ) + list(
        Role.objects.filter(
            kind=Role.Kind.PARTY_MEMBER, branches__in=branch_ids, user__is_active=True
        )
        .order_by("user__email")
        .values_list("branches", "user__email")
    )
    for branch_id, email in rows:
        if email and email not in result.get(branch_id, []):
            result.setdefault(branch_id, []).append(email)
    return result


def _claim_and_send(*, period, branch, kind, key="", recipients, subject, body) -> bool:
    with transaction.atomic():
        _row, created = Reminder.objects.get_or_create(
            period=period,
            branch=branch,
            kind=kind,
            key=key,
            defaults={"recipients": ", ".join(recipients)[:2000]},
        )
        if created:
            send_mail(subject, body, None, recipients)
    return created


def pending_by_branch(period) -> dict:
    """{branch: number of items not yet submitted} for the period's active branches."""
    branches = list(Branch.objects.filter(active=True).select_related("unit"))
    items_by_category: dict = {}
    for branch in branches:
        category_id = branch.unit.category_id
        if category_id not in items_by_category:
            items_by_category[category_id] = set(
                items_for(period, category=branch.unit.category).values_list("pk", flat=True)
            )
    done = dict(
        Submission.objects.filter(period=period, status__in=DONE, branch__isnull=False)
        .values("branch")
        .annotate(n=Count("pk"))
        .values_list("branch", "n")
    )
    result = {}
    for branch in branches:
        total = len(items_by_category[branch.unit.category_id])
        pending = total - done.get(branch.pk, 0)
        if pending > 0:
            result[branch] = pending
    return result


def send_deadline_reminders(today=None) -> int:
    """Mail every secretary whose branch has unsubmitted items in a period whose deadline
    is at most REMINDER_DAYS_BEFORE days away. Returns the number of mails sent."""
    today = today or timezone.localdate()
    window_end = today + timedelta(days=settings.REMINDER_DAYS_BEFORE)
    periods = Period.objects.filter(
        Q(status=Period.Status.OPEN), deadline__gte=today, deadline__lte=window_end
    ).select_related("plan")
    sent = 0
    for period in periods:
        pending = pending_by_branch(period)
        emails = _emails_by_branch(b.pk for b in pending)
        for branch, count in pending.items():
            recipients = emails.get(branch.pk)
            if not recipients:
                continue
            days = (period.deadline - today).days
            subject = _("【提醒】%(period)s材料还有 %(count)s 项未提交") % {
                "period": period,
                "count": count,
            }
            body = _(
                "%(branch)s：\n\n%(period)s材料报送将于 %(deadline)s 截止（还有 %(days)s 天），"
                "贵支部还有 %(count)s 项未提交。\n请登录平台完成填报：%(url)s\n\n"
                "机关工委 · 创建模范机关工作领导小组办公室"
            ) % {
                "branch": branch.name,
                "period": period,
                "deadline": period.deadline.strftime("%Y-%m-%d"),
                "days": days,
                "count": count,
                "url": site_root() + reverse("home"),
            }
            if _claim_and_send(
                period=period,
                branch=branch,
                kind=Reminder.Kind.DEADLINE,
                recipients=recipients,
                subject=subject,
                body=body,
            ):
                sent += 1
    return sent


def send_return_reminder(submission_id: int, version: int) -> bool:
    """Tell the secretaries that an item came back, once per return."""
    submission = (
        Submission.objects.select_related("period__plan", "branch", "indicator")
        .filter(pk=submission_id, branch__isnull=False)
        .first()
    )
    if submission is None or submission.status != Submission.Status.RETURNED:
        return False
    recipients = _emails_by_branch([submission.branch_id]).get(submission.branch_id)
    if not recipients:
        return False
    url = site_root() + reverse(
        "quarter_item",
        args=[submission.period_id, submission.branch_id, submission.indicator_id],
    )
    subject = _("【退回】%(item)s 需要补充材料") % {"item": submission.indicator.name}
    body = _(
        "%(branch)s：\n\n%(period)s的“%(item)s”被退回，原因：\n%(reason)s\n\n"
        "请补充后写明修改说明并重新提交：%(url)s\n\n机关工委 · 创建模范机关工作领导小组办公室"
    ) % {
        "branch": submission.branch.name,
        "period": submission.period,
        "item": quoted(submission.indicator.name),
        "reason": submission.reviewer_comment,
        "url": url,
    }
    return _claim_and_send(
        period=submission.period,
        branch=submission.branch,
        kind=Reminder.Kind.RETURNED,
        key=f"{submission.pk}:{version}",
        recipients=recipients,
        subject=subject,
        body=body,
    )
