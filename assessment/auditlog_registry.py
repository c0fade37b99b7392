"""Audit registrations for plans, periods, indicator systems, submissions and scores.

Submissions change through a conditional UPDATE (optimistic lock), which sends no model
signal; every such change already writes a SubmissionEvent with who, when, from, to and the
field changes, so each event is copied into the audit log as a change of its submission.
PeriodScore rows are derived (recomputed in bulk from submissions); what is audited is what
they are computed from (submissions, grading rules, negative list) and what is published
(ScoreSnapshot, one row per publication or correction).
"""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import (
    AnnualPlan,
    Cycle,
    DutyReport,
    GradingRule,
    Indicator,
    IndicatorSystem,
    InspectionFinding,
    InspectionRound,
    InspectionVerdict,
    InspectorScore,
    Measure,
    NegativeListEntry,
    PartyConfirmation,
    Period,
    Problem,
    Rectification,
    ScoreSnapshot,
    Submission,
    SubmissionEvent,
    Turnaround,
)

auditlog.register(Cycle)
auditlog.register(AnnualPlan)
auditlog.register(Period)
auditlog.register(IndicatorSystem)
auditlog.register(Indicator, m2m_fields={"categories"})
auditlog.register(GradingRule)
auditlog.register(ScoreSnapshot, exclude_fields=["data"])
auditlog.register(NegativeListEntry)
auditlog.register(Rectification)
auditlog.register(Turnaround, exclude_fields=["events", "actions"])  # moves: TurnaroundEvent rows
auditlog.register(DutyReport, exclude_fields=["figures", "updated_at"])
auditlog.register(PartyConfirmation)
# Joint inspection: the round's settings, every inspector's score, verdicts and findings.
auditlog.register(InspectionRound, m2m_fields={"units"})
auditlog.register(InspectorScore)
auditlog.register(InspectionVerdict)
auditlog.register(InspectionFinding)
# Problems bulk-created for imported citizen cases are not seen here; ProblemEvent keeps
# every move of every problem.
auditlog.register(Problem)
auditlog.register(Measure, m2m_fields={"problems"})
# Creation and deletion of a submission (updates arrive through SubmissionEvent below).
auditlog.register(Submission, exclude_fields=["version", "updated_at"])


@receiver(post_save, sender=SubmissionEvent, dispatch_uid="audit_submission_event")
def _audit_submission_event(sender, instance, created, raw=False, **kwargs):
    # A draft save merged into the previous save event (autosave) is not logged again;
    # a restore (loaddata, raw) brings back the log entries themselves.
    if not created or raw:
        return
    changes = {name: [str(a), str(b)] for name, (a, b) in (instance.changes or {}).items()}
    if instance.from_status != instance.to_status and instance.to_status:
        changes["status"] = [instance.from_status or "", instance.to_status]
    if instance.reason:
        changes["reason"] = ["", instance.reason]
    if not changes:
        return
    submission = Submission.objects.filter(pk=instance.submission_id).first()
    if submission is None:
        return
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Submission),
        object_pk=str(submission.pk),
        object_id=submission.pk,
        object_repr=str(submission)[:500],
        action=LogEntry.Action.UPDATE,
        changes=changes,
        changes_text="",
        actor=instance.by,
        actor_email=getattr(instance.by, "email", "") or "",
        additional_data={"event": instance.action},
    )
