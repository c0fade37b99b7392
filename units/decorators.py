"""Guards for staff actions that change assessment results."""

import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from .selectors import can_manage

SESSION_KEY = "password_confirmed_at"


@receiver(user_logged_in)
def _remember_password_entry(sender, request, user, **kwargs):
    # force_login() (tests, impersonation) sets no password time: it is not a password entry.
    if request is not None and getattr(request, "method", None) == "POST":
        request.session[SESSION_KEY] = time.time()


def mark_password_confirmed(request):
    request.session[SESSION_KEY] = time.time()


def has_recent_login(request) -> bool:
    confirmed = request.session.get(SESSION_KEY)
    return bool(confirmed) and time.time() - confirmed < settings.RECENT_LOGIN_SECONDS


def recent_login_required(view=None, *, methods=None):
    """Committee staff only, and only with a password entered in the last half hour.

    ``@recent_login_required(methods=["POST"])`` guards only those methods: a page that
    everyone in scope reads (GET) and only staff change (POST)."""
    if view is None:
        return lambda v: recent_login_required(v, methods=methods)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if methods is not None and request.method not in methods:
            return view(request, *args, **kwargs)
        if not request.user.is_authenticated or not can_manage(request.user):
            raise PermissionDenied
        if not has_recent_login(request):
            back = request.get_full_path() if request.method == "GET" else _referer(request)
            if request.method != "GET":
                messages.warning(request, _("为安全起见，请先确认密码；刚才的操作尚未执行。"))
            return redirect(f"{reverse('confirm_password')}?{urlencode({'next': back})}")
        return view(request, *args, **kwargs)

    return wrapper


def _referer(request):
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return reverse("home")
