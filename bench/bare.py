"""The load test's baseline: a bare Django view that validates a small form and inserts one
row, served by the same gunicorn against the same database as the real rating form.

Reachable only when the setting BENCH_BARE_VIEW is true (environment variable
``BENCH_BARE_VIEW=1``, off by default; see config/urls.py and docs/performance.md), and even
then it answers only clients on the loopback interface. Production never sets it.
"""

import secrets

from django import forms
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import path
from django.utils import timezone
from django.utils.html import escape

from feedback.models import LEVEL_SCORES, Level, Rating

LOOPBACK = {"127.0.0.1", "::1"}
BATCH = "bench-bare"


class BareForm(forms.Form):
    level = forms.ChoiceField(choices=Level.choices)
    comment = forms.CharField(required=False, max_length=1000)


def bare_rate(request, unit_id):
    if request.META.get("REMOTE_ADDR") not in LOOPBACK:
        raise Http404
    if request.method == "POST":
        form = BareForm(request.POST)
        if form.is_valid():
            Rating.objects.create(
                unit_id=unit_id,
                receipt=secrets.token_hex(6).upper(),
                level=form.cleaned_data["level"],
                score=LEVEL_SCORES[form.cleaned_data["level"]],
                channel="online",
                comment=form.cleaned_data["comment"],
                received_on=timezone.localdate(),
                survey_batch=BATCH,
            )
            return HttpResponseRedirect("/healthz")
        return HttpResponse("invalid", status=400)
    token = escape(get_token(request))
    return HttpResponse(
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{token}"><input name="level"><input name="comment"></form>'
    )


urlpatterns = [path("bench/bare/<int:unit_id>/", bare_rate, name="bench_bare_rate")]
