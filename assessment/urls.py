from django.urls import path

from .views import burden as burden_views
from .views import duty as duty_views
from .views import evidence as evidence_views
from .views import indicators as indicator_views
from .views import inspection as inspection_views
from .views import plans as plan_views
from .views import rectification as rectification_views
from .views import review as review_views
from .views import scores as score_views
from .views import submissions as submission_views
from .views import turnaround as turnaround_views

urlpatterns = [
    # --- plans, periods and indicator systems ---
    path("plans/", plan_views.plan_list, name="plan_list"),
    path("plans/cycles/new/", plan_views.cycle_create, name="cycle_create"),
    path("plans/<int:year>/", plan_views.plan_detail, name="plan_detail"),
    path("plans/<int:year>/edit/", plan_views.plan_edit, name="plan_edit"),
    path(
        "plans/<int:year>/load-template/",
        plan_views.plan_load_template,
        name="plan_load_template",
    ),
    path("plans/<int:year>/new-system/", plan_views.plan_new_system, name="plan_new_system"),
    path("plans/<int:year>/burden/", burden_views.plan_burden, name="plan_burden"),
    path("periods/<int:pk>/", plan_views.period_detail, name="period_detail"),
    path(
        "periods/<int:pk>/<str:action>/",
        plan_views.period_transition,
        name="period_transition",
    ),
    path("indicators/", indicator_views.system_list, name="system_list"),
    path("indicators/diff/", indicator_views.system_diff, name="system_diff"),
    path("indicators/<int:pk>/", indicator_views.system_detail, name="system_detail"),
    path("indicators/<int:pk>/items/new/", indicator_views.item_create, name="item_create"),
    path(
        "indicators/<int:pk>/reweight/<int:parent_pk>/",
        indicator_views.reweight,
        name="reweight",
    ),
    path(
        "indicators/<int:pk>/new-version/",
        indicator_views.system_new_version,
        name="system_new_version",
    ),
    path("indicators/<int:pk>/export.xlsx", indicator_views.system_export, name="system_export"),
    path("indicators/<int:pk>/import/", indicator_views.system_import, name="system_import"),
    path("indicators/<int:pk>/copy/", indicator_views.system_copy, name="system_copy"),
    path("indicators/<int:pk>/preview/", indicator_views.system_preview, name="system_preview"),
    path("indicators/items/<int:pk>/edit/", indicator_views.item_edit, name="item_edit"),
    path("indicators/items/<int:pk>/move/", indicator_views.item_move, name="item_move"),
    path("indicators/items/<int:pk>/retire/", indicator_views.item_retire, name="item_retire"),
    path("indicators/items/<int:pk>/restore/", indicator_views.item_restore, name="item_restore"),
    # --- joint inspection (联检联评) ---
    path("inspection/", inspection_views.round_list, name="inspection_rounds"),
    path("inspection/new/", inspection_views.round_create, name="inspection_new"),
    path("inspection/mine/", inspection_views.my_items, name="inspection_mine"),
    path("inspection/items/<int:pk>/score/", inspection_views.item_score, name="inspection_score"),
    path(
        "inspection/items/<int:pk>/findings/",
        inspection_views.item_finding,
        name="inspection_finding",
    ),
    path("inspection/<int:pk>/settle/", inspection_views.round_settle, name="inspection_settle"),
    path(
        "inspection/<int:pk>/conflicts/",
        inspection_views.conflict_declare,
        name="inspection_conflict",
    ),
    path(
        "inspection/verdicts/<int:pk>/arbitrate/",
        inspection_views.verdict_arbitrate,
        name="inspection_arbitrate",
    ),
    path("inspection/<int:pk>/", inspection_views.round_detail, name="inspection_round"),
    path("inspection/<int:pk>/draw/", inspection_views.round_draw, name="inspection_draw"),
    path(
        "inspection/<int:pk>/<str:action>/",
        inspection_views.round_transition,
        name="inspection_transition",
    ),
    path(
        "inspection/assignments/<int:pk>/swap/",
        inspection_views.assignment_swap,
        name="inspection_swap",
    ),
    # --- submissions, review and rectification ---
    path("quarter/", submission_views.current_quarter, name="quarter_current"),
    path("quarter/<int:period_pk>/<int:branch_pk>/", submission_views.quarter, name="quarter"),
    path(
        "quarter/<int:period_pk>/<int:branch_pk>/submit/",
        submission_views.submit,
        name="quarter_submit",
    ),
    path(
        "quarter/<int:period_pk>/<int:branch_pk>/items/<int:indicator_pk>/",
        submission_views.item,
        name="quarter_item",
    ),
    path(
        "quarter/<int:period_pk>/<int:branch_pk>/items/<int:indicator_pk>/autosave/",
        submission_views.autosave,
        name="quarter_autosave",
    ),
    path(
        "quarter/<int:period_pk>/<int:branch_pk>/items/<int:indicator_pk>/upload/",
        submission_views.upload,
        name="quarter_upload",
    ),
    path(
        "quarter/<int:period_pk>/<int:branch_pk>/items/<int:indicator_pk>/copy-previous/",
        submission_views.copy_previous,
        name="quarter_copy_previous",
    ),
    path("submissions/<int:pk>/comment/", submission_views.comment, name="submission_comment"),
    path(
        "submissions/<int:pk>/unit-check/",
        submission_views.unit_check,
        name="submission_unit_check",
    ),
    path("evidence/<int:pk>/", evidence_views.evidence_file, name="evidence_file"),
    path("review/", review_views.queue, name="review_queue"),
    path("review/<int:pk>/act/", review_views.act, name="review_act"),
    path("review/<int:pk>/override/", review_views.override, name="review_override"),
    path(
        "review/measures/<int:period_pk>/",
        review_views.record_measures,
        name="review_record_measures",
    ),
    path("review/bulk-accept/", review_views.bulk_accept, name="review_bulk_accept"),
    path("signals/", burden_views.signals_index, name="signals_index"),
    path("signals/<int:period_pk>/", burden_views.period_signals, name="period_signals"),
    path(
        "signals/<int:period_pk>/compute/",
        burden_views.period_signals_compute,
        name="period_signals_compute",
    ),
    path("signals/items/<int:pk>/dismiss/", burden_views.signal_dismiss, name="signal_dismiss"),
    path("rectification/", rectification_views.rectification_list, name="rectification_list"),
    path("rectification/new/", rectification_views.rectification_new, name="rectification_new"),
    path(
        "rectification/<int:pk>/",
        rectification_views.rectification_detail,
        name="rectification_detail",
    ),
    path(
        "rectification/<int:pk>/decide/",
        rectification_views.rectification_decide,
        name="rectification_decide",
    ),
    path("rectification/notices/", rectification_views.notice_list, name="notice_list"),
    path("rectification/problems/new/", rectification_views.problem_new, name="problem_new"),
    path(
        "rectification/problems/<int:pk>/",
        rectification_views.problem_detail,
        name="problem_detail",
    ),
    path(
        "rectification/problems/<int:pk>/answer/",
        rectification_views.problem_answer,
        name="problem_answer",
    ),
    path(
        "rectification/problems/<int:pk>/decide/",
        rectification_views.problem_decide,
        name="problem_decide",
    ),
    path(
        "rectification/problems/<int:pk>/measures/",
        rectification_views.measure_new,
        name="measure_new",
    ),
    path(
        "rectification/measures/<int:pk>/done/",
        rectification_views.measure_complete,
        name="measure_complete",
    ),
    path("rectification/import/", rectification_views.problem_import, name="problem_import"),
    path(
        "rectification/import/template.xlsx",
        rectification_views.problem_import_template,
        name="problem_import_template",
    ),
    path("negative-list/", rectification_views.negative_list, name="negative_list"),
    # --- 后进转化 ---
    path("turnaround/", turnaround_views.turnaround_list, name="turnaround_list"),
    path("turnaround/new/", turnaround_views.turnaround_new, name="turnaround_new"),
    path("turnaround/<int:pk>/", turnaround_views.turnaround_detail, name="turnaround_detail"),
    path(
        "turnaround/<int:pk>/progress/",
        turnaround_views.turnaround_progress,
        name="turnaround_progress",
    ),
    path("turnaround/<int:pk>/close/", turnaround_views.turnaround_close, name="turnaround_close"),
    # --- 四级协同: 签字确认; 述职评议 ---
    path("confirmations/", duty_views.confirmation_list, name="confirmation_list"),
    path(
        "confirmations/<int:period_pk>/<int:unit_pk>/confirm/",
        duty_views.confirmation_confirm,
        name="confirmation_confirm",
    ),
    path(
        "confirmations/<int:pk>/reopen/",
        duty_views.confirmation_reopen,
        name="confirmation_reopen",
    ),
    path("duty/", duty_views.duty_list, name="duty_list"),
    path("duty/draft/", duty_views.duty_draft_all, name="duty_draft_all"),
    path("duty/<int:pk>/", duty_views.duty_detail, name="duty_detail"),
    path("duty/<int:pk>/edit/", duty_views.duty_edit, name="duty_edit"),
    path("duty/<int:pk>/redraft/", duty_views.duty_redraft, name="duty_redraft"),
    path("duty/<int:pk>/grade/", duty_views.duty_grade, name="duty_grade"),
    path("duty/<int:pk>/return/", duty_views.duty_return, name="duty_return"),
    # --- scores, rankings and dashboards ---
    path("dashboard/", score_views.dashboard, name="dashboard"),
    path("scores/", score_views.score_index, name="score_index"),
    path("scores/<int:period_pk>/", score_views.ranking, name="score_ranking"),
    path("scores/<int:period_pk>/units/<int:unit_pk>/", score_views.unit_page, name="score_unit"),
    path(
        "scores/<int:period_pk>/completeness/",
        score_views.completeness_page,
        name="score_completeness",
    ),
    path("scores/<int:period_pk>/publish/", score_views.publish, name="score_publish"),
    path("scores/<int:period_pk>/correct/", score_views.correct, name="score_correct"),
    path("scores/analytics/", score_views.analytics, name="score_analytics_index"),
    path("scores/analytics/<int:plan_pk>/", score_views.analytics, name="score_analytics"),
    path("scores/cycles/", score_views.cycle_page, name="score_cycle_index"),
    path("scores/cycles/<int:cycle_pk>/", score_views.cycle_page, name="score_cycle"),
]
