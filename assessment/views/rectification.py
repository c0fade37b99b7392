"""The problem ledger (整改台账), rectification notices and their feedback forms, measures,
the import of problems, and the negative list. Thin: every action is a ledger service,
whose refusal becomes 403 or a message."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.decorators import recent_login_required
from units.importing import ImportFileError
from units.selectors import branches_visible_to, can_manage, scope_of, units_visible_to
from units.workflow import TransitionNotAllowed

from ..forms.rectification import (
    AnswerForm,
    DecisionForm,
    MeasureDoneForm,
    MeasureForm,
    NegativeListForm,
    NoticeForm,
    ProblemAnswerForm,
    ProblemForm,
    ProblemImportForm,
)
from ..models import Indicator, Measure, Problem, Rectification, Standard
from ..selectors import rectification as selectors
from ..selectors.plans import current_plan, current_system
from ..services import evidence as evidence_service
from ..services import ledger
from ..services import problem_import as importing
from ..services import rectification as service

REFUSED = (ledger.LedgerError, TransitionNotAllowed)


def _date_param(request, name):
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


@login_required
def rectification_list(request):
    """整改台账: every problem the user may see, filtered, with the figures of what is shown."""
    visible = selectors.problems_visible_to(request.user)
    chosen = {
        "source": request.GET.get("source", ""),
        "standard": request.GET.get("standard", ""),
        "status": request.GET.get("status", ""),
        "unit": request.GET.get("unit", ""),
        "q": request.GET.get("q", "").strip(),
    }
    date_from, date_to = _date_param(request, "from"), _date_param(request, "to")
    unit_id = int(chosen["unit"]) if chosen["unit"].isdigit() else None
    shown = selectors.filter_problems(
        visible,
        source=chosen["source"],
        standard=chosen["standard"],
        unit=unit_id,
        q=chosen["q"],
    )
    report = selectors.ledger_report(shown, date_from, date_to)
    listed = selectors.filter_problems(
        selectors.in_range(shown, date_from, date_to), status=chosen["status"]
    )
    page = Paginator(
        listed.select_related("unit", "branch").order_by("status", "deadline", "pk"), 50
    ).get_page(request.GET.get("page"))
    scope = scope_of(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessment/rectification/list.html",
        {
            "page": page,
            "report": report,
            "chosen": chosen,
            "date_from": date_from,
            "date_to": date_to,
            "query": query.urlencode(),
            "sources": Problem.Source.choices,
            "standards": Standard.choices,
            "statuses": [*Problem.Status.choices, ("overdue", _("逾期未销号"))],
            "units": units_visible_to(request.user).filter(active=True).order_by("name"),
            "may_manage": can_manage(request.user),
            "may_raise": can_manage(request.user) or bool(scope.unit_ids and not scope.read_only),
            "today": timezone.localdate(),
            "calendar_missing_years": selectors.provisional_deadline_years(request.user),
        },
    )


@login_required
def notice_list(request):
    notices = selectors.rectifications_visible_to(request.user).order_by("-issued_at", "-pk")
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/rectification/notices.html",
        {"page": page, "may_manage": can_manage(request.user), "today": timezone.localdate()},
    )


@login_required
def rectification_new(request):
    if not can_manage(request.user):
        raise PermissionDenied
    plan = current_plan()
    if plan is None:
        messages.error(request, _("还没有年度计划，请先建立年度计划。"))
        return redirect("rectification_list")
    system = current_system(plan)
    indicators = (
        Indicator.objects.filter(system=system).exclude(kind=Indicator.Kind.DIMENSION)
        if system
        else Indicator.objects.none()
    )
    form = NoticeForm(
        request.POST or None,
        units=units_visible_to(request.user).filter(active=True),
        branches=branches_visible_to(request.user).filter(active=True).select_related("unit"),
        indicators=indicators,
        initial={"unit": request.GET.get("unit")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = service.issue_notice(
                by=request.user,
                plan=plan,
                unit=data["unit"],
                branch=data["branch"],
                deadline=data["deadline"],
                problems=[
                    {"description": line, "indicators": list(data["indicators"])}
                    for line in form.problem_lines()
                ],
            )
        except ledger.LedgerPermissionDenied as exc:
            raise PermissionDenied from exc
        except ledger.LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("整改通知已下发，单位管理员会在“整改”中看到并反馈。"))
            return redirect("rectification_detail", notice.pk)
    return render(request, "assessment/rectification/new.html", {"form": form, "plan": plan})


@login_required
def rectification_detail(request, pk):
    notice = get_object_or_404(selectors.rectifications_visible_to(request.user), pk=pk)
    scope = scope_of(request.user)
    may_answer = notice.unit_id in scope.unit_ids and notice.status in (
        Rectification.Status.ISSUED,
        Rectification.Status.SENT_BACK,
    )
    may_decide = can_manage(request.user) and notice.status == Rectification.Status.ANSWERED
    answer_form = AnswerForm(initial={"measures": notice.measures})
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        answer_form = AnswerForm(request.POST, request.FILES)
        if answer_form.is_valid():
            stored = []
            for upload in answer_form.cleaned_data["files"]:
                try:
                    stored.append(
                        evidence_service.store_evidence(
                            upload, by=request.user, unit=notice.unit, branch=notice.branch
                        )
                    )
                except evidence_service.EvidenceRejected as exc:
                    answer_form.add_error("files", str(exc))
            if not answer_form.errors:
                try:
                    service.answer(
                        notice,
                        by=request.user,
                        measures=answer_form.cleaned_data["measures"],
                        evidence=stored,
                    )
                except ledger.LedgerPermissionDenied as exc:
                    raise PermissionDenied from exc
                except REFUSED as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, _("整改反馈已提交，等待机关工委核验。"))
                    return redirect("rectification_detail", notice.pk)
    return render(
        request,
        "assessment/rectification/detail.html",
        {
            "notice": notice,
            "events": notice.events.select_related("by"),
            "problems": _with_rights(
                request.user,
                notice.problems.select_related("unit", "branch").prefetch_related("evidence"),
            ),
            "problem_answer_form": ProblemAnswerForm(),
            "evidence": notice.evidence.all(),
            "indicators": notice.indicators.all(),
            "may_answer": may_answer,
            "may_decide": may_decide,
            "answer_form": answer_form,
            "decision_form": DecisionForm(),
            "overdue": notice.status != Rectification.Status.VERIFIED
            and notice.deadline < timezone.localdate(),
        },
    )


@login_required
@require_POST
def rectification_decide(request, pk):
    if not can_manage(request.user):
        raise PermissionDenied
    notice = get_object_or_404(selectors.rectifications_visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if request.POST.get("action") == "send_back":
            service.send_back(notice, by=request.user, reason=comment)
            messages.success(request, _("已退回单位重新整改。"))
        else:
            service.verify(notice, by=request.user, comment=comment)
            messages.success(request, _("已核验销号，计入整改率。"))
    except ledger.LedgerPermissionDenied as exc:
        raise PermissionDenied from exc
    except REFUSED as exc:
        messages.error(request, str(exc))
    return redirect("rectification_detail", notice.pk)


@login_required
@recent_login_required(methods=["POST"])
def negative_list(request):
    entries = selectors.negative_list_visible_to(request.user)
    may_manage = can_manage(request.user)
    form = NegativeListForm(
        request.POST or None, units=units_visible_to(request.user).filter(active=True)
    )
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        plan = current_plan()
        if plan is None:
            messages.error(request, _("还没有年度计划，请先建立年度计划。"))
        elif form.is_valid():
            data = form.cleaned_data
            service.add_to_negative_list(  # also puts the problem on the ledger
                by=request.user,
                plan=plan,
                unit=data["unit"],
                reason=data["reason"],
                effect=data["effect"],
                points=data["points"] or 0,
            )
            messages.success(request, _("已列入负面清单，该单位可在“负面清单”中看到。"))
            return redirect("negative_list")
    return render(
        request,
        "assessment/rectification/negative_list.html",
        {"entries": entries, "form": form, "may_manage": may_manage},
    )


def _with_rights(user, problems):
    problems = list(problems)
    for problem in problems:
        problem.may_answer = selectors.may_answer_problem(user, problem)
        problem.may_decide = selectors.may_decide_problem(user, problem)
        problem.overdue = problem.deadline < timezone.localdate() and problem.status not in (
            Problem.Status.VERIFIED,
            Problem.Status.WITHDRAWN,
        )
    return problems


def _back(request, problem):
    """After an action: the notice page when it was taken there, else the problem's page."""
    if request.POST.get("back") == "notice" and problem.notice_id:
        return redirect("rectification_detail", problem.notice_id)
    return redirect("problem_detail", problem.pk)


def _indicator_choices():
    plan = current_plan()
    system = current_system(plan) if plan else None
    if system is None:
        return Indicator.objects.none()
    return Indicator.objects.filter(system=system).exclude(kind=Indicator.Kind.DIMENSION)


@login_required
def problem_new(request):
    """Raise a problem: the committee from any source, a unit what it found itself."""
    scope = scope_of(request.user)
    if scope.acts_as_committee:
        sources = Problem.Source.choices
    elif scope.unit_ids and not scope.read_only:
        sources = [(Problem.Source.SELF_FOUND.value, Problem.Source.SELF_FOUND.label)]
    else:
        raise PermissionDenied
    units = units_visible_to(request.user).filter(active=True)
    if not scope.acts_as_committee:
        units = units.filter(pk__in=scope.unit_ids)
    form = ProblemForm(
        request.POST or None,
        units=units,
        branches=branches_visible_to(request.user).filter(active=True).select_related("unit"),
        indicators=_indicator_choices(),
        sources=sources,
        initial={"unit": request.GET.get("unit"), "found_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = ledger.raise_problem(
                request.user,
                unit=data["unit"],
                branch=data["branch"],
                source=data["source"],
                description=data["description"],
                severity=data["severity"],
                indicators=list(data["indicators"]),
                found_on=data["found_on"],
                working_days=data["working_days"],
            )
        except ledger.LedgerPermissionDenied as exc:
            raise PermissionDenied from exc
        except ledger.LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("问题已登记入整改台账，整改期限 %(date)s。")
                % {"date": problem.deadline.isoformat()},
            )
            return redirect("problem_detail", problem.pk)
    return render(request, "assessment/rectification/problem_new.html", {"form": form})


@login_required
def problem_detail(request, pk):
    problem = get_object_or_404(
        selectors.problems_visible_to(request.user).select_related(
            "unit", "branch", "notice", "case__rating", "negative_entry", "raised_by"
        ),
        pk=pk,
    )
    (problem,) = _with_rights(request.user, [problem])
    may_add_measure = selectors.may_add_measure(request.user, problem.unit_id)
    others = (
        selectors.problems_visible_to(request.user)
        .filter(unit_id=problem.unit_id)
        .exclude(pk=problem.pk)
        .exclude(status__in=[Problem.Status.VERIFIED, Problem.Status.WITHDRAWN])
    )
    return render(
        request,
        "assessment/rectification/problem_detail.html",
        {
            "problem": problem,
            "events": problem.events.select_related("by"),
            "measures": problem.measures.prefetch_related("problems", "evidence").order_by(
                "due_on", "pk"
            ),
            "measure_done_form": MeasureDoneForm() if may_add_measure else None,
            "indicators": problem.indicators.all(),
            "evidence": problem.evidence.all(),
            "answer_form": ProblemAnswerForm(),
            "decision_form": DecisionForm(),
            "measure_form": MeasureForm(others=others) if may_add_measure else None,
            "may_add_measure": may_add_measure,
            "today": timezone.localdate(),
            # An answer is owed, by the unit's administrator, not by this reader.
            "answer_owed_elsewhere": selectors.answer_owed(problem) and not problem.may_answer,
        },
    )


@login_required
@require_POST
def problem_answer(request, pk):
    problem = get_object_or_404(selectors.problems_visible_to(request.user), pk=pk)
    if not selectors.may_answer_problem(request.user, problem):
        raise PermissionDenied
    form = ProblemAnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请填写整改情况。"))
        return _back(request, problem)
    try:
        with transaction.atomic():
            stored = [
                evidence_service.store_evidence(
                    upload, by=request.user, unit=problem.unit, branch=problem.branch
                )
                for upload in form.cleaned_data["files"]
            ]
            ledger.answer(
                problem, by=request.user, text=form.cleaned_data["answer"], evidence=stored
            )
    except evidence_service.EvidenceRejected as exc:
        messages.error(request, str(exc))
    except REFUSED as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("整改反馈已提交，等待机关工委核验。"))
    return _back(request, problem)


@login_required
@require_POST
def problem_decide(request, pk):
    problem = get_object_or_404(selectors.problems_visible_to(request.user), pk=pk)
    if not selectors.may_decide_problem(request.user, problem):
        raise PermissionDenied
    comment = request.POST.get("comment", "")[:2000]
    action = request.POST.get("action")
    try:
        if action == "send_back":
            ledger.send_back(problem, by=request.user, reason=comment)
            messages.success(request, _("已退回单位重新整改。"))
        elif action == "reopen":
            ledger.reopen(problem, by=request.user, reason=comment)
            messages.success(request, _("问题已重新打开，单位需再次整改。"))
        else:
            ledger.verify(problem, by=request.user, comment=comment)
            messages.success(request, _("已核验销号，计入整改率。"))
    except REFUSED as exc:
        messages.error(request, str(exc))
    return _back(request, problem)


@login_required
@require_POST
def measure_new(request, pk):
    problem = get_object_or_404(selectors.problems_visible_to(request.user), pk=pk)
    if not selectors.may_add_measure(request.user, problem.unit_id):
        raise PermissionDenied
    others = selectors.problems_visible_to(request.user).filter(unit_id=problem.unit_id)
    form = MeasureForm(request.POST, others=others.exclude(pk=problem.pk))
    if form.is_valid():
        data = form.cleaned_data
        try:
            ledger.add_measure(
                by=request.user,
                problems=[problem, *data["also"]],
                description=data["description"],
                owner=data["owner"],
                due_on=data["due_on"],
            )
        except REFUSED as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("整改措施已登记。"))
    else:
        messages.error(request, _("请填写措施内容、责任人和完成时限。"))
    return redirect("problem_detail", problem.pk)


@login_required
@require_POST
def measure_complete(request, pk):
    """The unit marks a measure done with its date and attaches its evidence (unit-level
    files: the evidence service lets only the unit administrator upload them)."""
    measure = get_object_or_404(
        Measure.objects.filter(problems__in=selectors.problems_visible_to(request.user)).distinct(),
        pk=pk,
    )
    back = request.POST.get("problem", "")
    problem_pk = int(back) if back.isdigit() else measure.problems.values_list("pk", flat=True)[0]
    if not selectors.may_add_measure(request.user, measure.unit_id):
        raise PermissionDenied
    form = MeasureDoneForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请填写完成日期。"))
        return redirect("problem_detail", problem_pk)
    try:
        with transaction.atomic():
            stored = [
                evidence_service.store_evidence(upload, by=request.user, unit=measure.unit)
                for upload in form.cleaned_data["files"]
            ]
            ledger.complete_measure(
                measure, by=request.user, done_on=form.cleaned_data["done_on"], evidence=stored
            )
    except (evidence_service.EvidenceRejected, *REFUSED) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("整改措施已标记完成。"))
    return redirect("problem_detail", problem_pk)


@login_required
def problem_import(request):
    """Import problems from a spreadsheet: all rows or none, bad lines named."""
    if not can_manage(request.user):
        raise PermissionDenied
    form = ProblemImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = importing.import_problems(form.cleaned_data["file"], user=request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if outcome.ok:
                messages.success(
                    request, _("已导入 %(n)d 个问题，均已进入整改台账。") % {"n": outcome.new}
                )
                return redirect("rectification_list")
    return render(
        request,
        "assessment/rectification/import.html",
        {"form": form, "outcome": outcome, "headers": importing.HEADERS},
    )


@login_required
def problem_import_template(request):
    if not can_manage(request.user):
        raise PermissionDenied
    response = HttpResponse(
        importing.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename=problem-import-template.xlsx"
    return response
