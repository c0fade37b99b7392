from django.urls import path

from .views import public, staff

app_name = "feedback"

urlpatterns = [
    # public, no account
    path("rate/", public.unit_index, name="unit_index"),
    path("rate/receipt/", public.receipt_lookup, name="receipt_lookup"),
    path("rate/receipt/<str:code>/", public.receipt, name="receipt"),
    path("rate/results/", public.results_index, name="results_index"),
    path("rate/results/<int:pk>/", public.results, name="results"),
    path("rate/<slug:slug>/", public.rate_unit, name="rate_unit"),
    # staff
    path("feedback/", staff.rating_list, name="rating_list"),
    path("feedback/new/", staff.rating_new, name="rating_new"),
    path("feedback/import/", staff.survey_import, name="survey_import"),
    path("feedback/moderation/", staff.moderation_queue, name="moderation"),
    path("feedback/ratings/<int:pk>/moderate/", staff.moderate, name="moderate"),
    path("feedback/cases/", staff.case_list, name="case_list"),
    path("feedback/cases/<int:pk>/", staff.case_detail, name="case_detail"),
    path("feedback/appeals/", staff.appeal_list, name="appeal_list"),
    path("feedback/appeals/<int:pk>/decide/", staff.appeal_decide, name="appeal_decide"),
    path("feedback/satisfaction/", staff.satisfaction, name="satisfaction"),
    path("feedback/publications/", staff.publication_list, name="publication_list"),
    path(
        "feedback/publications/<int:pk>/withdraw/",
        staff.publication_withdraw,
        name="publication_withdraw",
    ),
    path("feedback/posters/", staff.poster_list, name="poster_list"),
    path("feedback/posters/all.zip", staff.posters_all, name="posters_all"),
    path("feedback/posters/<slug:slug>.<str:kind>", staff.poster, name="poster"),
]
