"""Staff pages: ratings, moderation, cases, appeals, satisfaction, publication, posters."""

import datetime
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.decorators import recent_login_required
from units.export_safety import neutralise_row
from units.importing import ImportFileError
from units.models import UnitCategory
from units.selectors import can_manage, units_visible_to
from units.site import is_loopback, site_root, site_root_source
from units.workflow import TransitionNotAllowed

from .. import selectors
from ..forms import (
    AppealDecisionForm,
    AppealForm,
    CloseForm,
    FixForm,
    ModerationForm,
    OfflineRatingForm,
    PeriodForm,
    PublicationForm,
    RatingFilterForm,
    ReplyForm,
    SurveyImportForm,
)
from ..models import Appeal, Channel, FollowUpCase, Publication
from ..resources import SURVEY_HEADERS
from ..services import cases as case_services
from ..services import posters
from ..services import publication as publication_services
from ..services import ratings as rating_services
from ..services.importing import import_survey
from ..workdays import working_days_between

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_access(user):
    if not selectors.may_use_feedback(user):
        raise PermissionDenied


def _require_manage(user):
    if not can_manage(user):
        raise PermissionDenied


def _default_range():
    today = timezone.localdate()
    return datetime.date(today.year, 1, 1), today


@login_required
def rating_list(request):
    _require_access(request.user)
    units = units_visible_to(request.user).filter(active=True)
    form = RatingFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    ratings = selectors.rating_list(
        request.user,
        unit=filters.get("unit"),
        level=filters.get("level", ""),
        channel=filters.get("channel", ""),
        state=filters.get("state", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    if request.GET.get("export") == "xlsx":
        return _export_ratings(ratings)
    page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/rating_list.html", {"form": form, "page": page})


def _export_ratings(ratings):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("群众评价"))
    sheet.append(
        [
            _("回执号"),
            _("单位"),
            _("评价日期"),
            _("等级"),
            _("分值"),
            _("渠道"),
            _("评价主体"),
            _("意见建议"),
            _("姓名"),
            _("电话"),
            _("计入指数"),
            _("回访状态"),
        ]
    )
    for r in ratings:
        case = getattr(r, "case", None)
        comment = r.comment
        if comment[:1] in ("=", "+", "-", "@"):
            comment = "'" + comment
        sheet.append(
            neutralise_row(
                [
                    r.receipt,
                    r.unit.name,
                    r.received_on,
                    r.get_level_display(),
                    r.score,
                    r.get_channel_display(),
                    r.get_evaluator_kind_display(),
                    comment,
                    r.contact_name_masked,
                    r.contact_phone_masked,
                    _("是") if r.counts_in_index else _("否"),
                    case.get_status_display() if case else "",
                ]
            )
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ratings.xlsx"'
    return response


@login_required
def rating_new(request):
    _require_manage(request.user)
    if request.method == "POST":
        form = OfflineRatingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rating = rating_services.record_offline_rating(
                    rating_services.RatingInput(
                        unit=data["unit"],
                        level=data["level"],
                        comment=data["comment"],
                        contact_name=data["contact_name"],
                        contact_phone=data["contact_phone"],
                        contact_consent=bool(data["contact_name"] or data["contact_phone"]),
                        channel=data["channel"],
                        evaluator_kind=data["evaluator_kind"],
                        received_on=data["received_on"],
                    ),
                    user=request.user,
                )
            except rating_services.RatingRefused as exc:
                form.add_error("received_on", str(exc))
            else:
                msg = _("已录入，回执号 %(code)s。") % {"code": rating.receipt}
                if rating.is_bad:
                    msg += _("这是差评，已为单位立案回访，答复期限 %(due)s。") % {
                        "due": rating.case.reply_due
                    }
                messages.success(request, msg)
                return redirect("feedback:rating_new")
    else:
        form = OfflineRatingForm(
            initial={"received_on": timezone.localdate(), "channel": Channel.LETTER}
        )
    return render(request, "feedback/rating_form.html", {"form": form})


@login_required
@recent_login_required
def survey_import(request):
    _require_manage(request.user)
    outcome = None
    if request.method == "POST":
        form = SurveyImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                outcome = import_survey(
                    form.cleaned_data["file"], batch=form.cleaned_data["batch"], user=request.user
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                if outcome.repeat_of is not None:
                    messages.info(
                        request,
                        _(
                            "该文件的内容已于 %(when)s 导入（批次“%(batch)s”，%(n)d 条），"
                            "本次未新增任何评价，也未新开回访。"
                        )
                        % {
                            "when": date_format(
                                timezone.localtime(outcome.repeat_of.imported_at),
                                "Y-m-d H:i",
                            ),
                            "batch": outcome.repeat_of.batch,
                            "n": outcome.repeat_of.rows,
                        },
                    )
                    return redirect("feedback:rating_list")
                if outcome.ok:
                    done = _("导入完成：新增 %(n)d 条评价") % {"n": outcome.new}
                    if outcome.cases_opened:
                        done += _("，其中 %(m)d 条差评已自动立案回访。") % {
                            "m": outcome.cases_opened
                        }
                    else:
                        done += _("，没有需要回访的差评。")
                    messages.success(request, done)
                    return redirect("feedback:rating_list")
    else:
        form = SurveyImportForm()
    return render(
        request,
        "feedback/survey_import.html",
        {"form": form, "outcome": outcome, "headers": SURVEY_HEADERS},
    )


@login_required
def moderation_queue(request):
    _require_access(request.user)
    ratings = selectors.moderation_queue(request.user)
    page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/moderation.html", {"page": page, "form": ModerationForm()})


@require_POST
@login_required
def moderate(request, pk):
    _require_manage(request.user)
    rating = get_object_or_404(selectors.ratings_visible_to(request.user), pk=pk)
    form = ModerationForm(request.POST)
    if form.is_valid():
        try:
            rating_services.moderate(
                rating,
                user=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已审核回执号 %(code)s。") % {"code": rating.receipt})
    else:
        messages.error(request, _("请选择结论并填写理由。"))
    return redirect("feedback:moderation")


@login_required
def case_list(request):
    _require_access(request.user)
    status = request.GET.get("status", "")
    if status not in FollowUpCase.Status.values:
        status = ""
    overdue = request.GET.get("overdue") == "1"
    cases = selectors.case_list(request.user, status=status, overdue_only=overdue)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    stats = selectors.case_stats(request.user)
    return render(
        request,
        "feedback/case_list.html",
        {
            "page": page,
            "stats": stats,
            "status": status,
            "overdue": overdue,
            "statuses": FollowUpCase.Status.choices,
            "today": timezone.localdate(),
            "reply_days": settings.FEEDBACK_REPLY_WORKING_DAYS,
            "rectify_days": settings.FEEDBACK_RECTIFY_WORKING_DAYS,
            "calendar_missing_years": selectors.provisional_deadline_years(request.user),
        },
    )


@login_required
def case_detail(request, pk):
    _require_access(request.user)
    case = get_object_or_404(
        selectors.cases_visible_to(request.user).select_related("unit", "rating"), pk=pk
    )
    handles = selectors.may_handle_case(request.user, case)
    contact = None
    forms = {"reply": ReplyForm(), "fix": FixForm(), "close": CloseForm(), "appeal": AppealForm()}
    if request.method == "POST":
        if not handles:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "contact":
                contact = rating_services.reveal_contact(case.rating, user=request.user)
            elif action in ("reply", "fix", "close", "appeal"):
                form_class = {
                    "reply": ReplyForm,
                    "fix": FixForm,
                    "close": CloseForm,
                    "appeal": AppealForm,
                }[action]
                form = forms[action] = form_class(request.POST)
                if form.is_valid():
                    _case_action(request, case, action, form.cleaned_data)
                    return redirect("feedback:case_detail", pk=case.pk)
            else:
                raise PermissionDenied
        except (ValueError, TransitionNotAllowed) as exc:
            messages.error(request, str(exc))
            return redirect("feedback:case_detail", pk=case.pk)
    today = timezone.localdate()
    return render(
        request,
        "feedback/case_detail.html",
        {
            "case": case,
            "rating": case.rating,
            "logs": case.logs.select_related("actor"),
            "appeals": case.rating.appeals.select_related("filed_by", "decided_by"),
            "handles": handles,
            "is_committee": selectors.may_close_case(request.user, case),
            "contact": contact,
            "forms": forms,
            "overdue": case.status == FollowUpCase.Status.OPEN and case.reply_due < today,
            "days_left": working_days_between(today, case.reply_due)
            if case.reply_due >= today
            else None,
        },
    )


def _case_action(request, case, action, data):
    user = request.user
    if action == "reply":
        case_services.reply(case, user=user, text=data["text"])
        messages.success(request, _("答复已保存，群众可凭回执号查看。请在整改期限前记录整改情况。"))
    elif action == "fix":
        case_services.record_fix(case, user=user, text=data["text"])
        messages.success(request, _("整改情况已记录，等待机关工委核实办结。"))
    elif action == "close":
        case_services.close(case, user=user, note=data["note"])
        messages.success(request, _("已办结。"))
    elif action == "appeal":
        case_services.file_appeal(
            case.rating, user=user, reason=data["reason"], explanation=data["explanation"]
        )
        messages.success(request, _("申诉已提交，等待机关工委裁定；裁定前仍需按期答复。"))


@login_required
def appeal_list(request):
    _require_access(request.user)
    appeals = selectors.appeals_visible_to(request.user).select_related(
        "unit", "rating", "rating__case", "filed_by", "decided_by"
    )
    status = request.GET.get("status", "pending")
    if status in Appeal.Status.values:
        appeals = appeals.filter(status=status)
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/appeal_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Appeal.Status.choices,
            "form": AppealDecisionForm(),
        },
    )


@require_POST
@login_required
def appeal_decide(request, pk):
    _require_manage(request.user)
    appeal = get_object_or_404(selectors.appeals_visible_to(request.user), pk=pk)
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择裁定结论并填写理由。"))
        return redirect("feedback:appeal_list")
    try:
        case_services.decide_appeal(
            appeal,
            user=request.user,
            upheld=form.cleaned_data["upheld"],
            reason=form.cleaned_data["reason"],
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已裁定。"))
    return redirect("feedback:appeal_list")


@login_required
def satisfaction(request):
    _require_access(request.user)
    start, end = _default_range()
    category = None
    if request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid():
            start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
            category = form.cleaned_data["category"]
    else:
        form = PeriodForm(initial={"date_from": start, "date_to": end})
    rows = selectors.satisfaction_table(request.user, start, end, category=category)
    return render(
        request,
        "feedback/satisfaction.html",
        {
            "form": form,
            "rows": rows,
            "date_from": start,
            "date_to": end,
            "by_category": _labelled(
                selectors.satisfaction_by("unit__category_id", start, end, request.user),
                dict(UnitCategory.objects.values_list("pk", "name")),
            ),
            "by_channel": _labelled(
                selectors.satisfaction_by("channel", start, end, request.user),
                dict(Channel.choices),
            ),
            "stats": selectors.case_stats(request.user, date_from=start, date_to=end),
            "min_sample": settings.FEEDBACK_MIN_SAMPLE,
            "pending": selectors.moderation_queue(request.user).count(),
        },
    )


def _labelled(figures, labels):
    return [(labels.get(f.key, f.key), f) for f in figures]


@login_required
def publication_list(request):
    _require_access(request.user)
    if request.method == "POST":
        _require_manage(request.user)
        form = PublicationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            publication = publication_services.publish(user=request.user, **data)
            messages.success(
                request,
                _("“%(label)s”已公布，公众可在评议结果页面查看。") % {"label": publication.label},
            )
            return redirect("feedback:publication_list")
    else:
        start, end = _default_range()
        form = PublicationForm(initial={"date_from": start, "date_to": end})
    return render(
        request,
        "feedback/publication_list.html",
        {"form": form, "publications": Publication.objects.select_related("published_by")},
    )


@require_POST
@login_required
def publication_withdraw(request, pk):
    _require_manage(request.user)
    publication_services.withdraw(get_object_or_404(Publication, pk=pk), user=request.user)
    messages.success(request, _("已撤回，公众页面不再显示这一期。"))
    return redirect("feedback:publication_list")


@login_required
def poster_list(request):
    _require_access(request.user)
    units = units_visible_to(request.user).filter(active=True).select_related("category")
    root = site_root(request)
    rows = [(u, posters.form_url(u, root)) for u in units]
    return render(
        request,
        "feedback/posters.html",
        {
            "rows": rows,
            "site_root": root,
            "site_root_source": site_root_source(request),
            "loopback": is_loopback(root),
        },
    )


@login_required
def poster(request, slug, kind):
    _require_access(request.user)
    if kind not in ("png", "pdf"):
        raise Http404
    unit = get_object_or_404(units_visible_to(request.user).filter(active=True), slug=slug)
    root = site_root(request)
    if kind == "png":
        response = HttpResponse(posters.poster_png(unit, root), content_type="image/png")
    else:
        response = HttpResponse(posters.poster_pdf([unit], root), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="poster-{unit.slug}.{kind}"'
    return response


@login_required
def posters_all(request):
    _require_access(request.user)
    units = list(units_visible_to(request.user).filter(active=True).select_related("category"))
    content = posters.posters_zip(units, site_root(request))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="posters.zip"'
    return response
