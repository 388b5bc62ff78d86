"""Account pages.

The security administrator's pages (安全管理员, on the web shell): the accounts of the
city with search and paging, one account with its history, create, edit, deactivate or
reactivate, unlock, reset password, reset 2FA; the sign-in locks; the city's password
rules. Every write goes through accounts.services, which re-checks the policy.

Everyone's pages: their own password, TOTP enrolment and the verification step after the
password.
"""

from __future__ import annotations

import segno
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.forms import otp_verification_failed
from django_otp.plugins.otp_totp.models import TOTPDevice

from ballast.accounts import forms, policy, services
from ballast.accounts.models import ApiToken, SecuritySettings, User
from ballast.accounts.signals import announce

PAGE_SIZE = 25


def _require(user, action: str = policy.VIEW) -> None:
    if not policy.may(user, action, User):
        raise PermissionDenied(_("只有安全管理员可以管理账户。"))


def _accounts(user):
    return policy.restrict(User.objects.all(), user, policy.VIEW).select_related(
        "region", "department"
    )


def _account(request, pk: int) -> User:
    _require(request.user)
    return get_object_or_404(_accounts(request.user), pk=pk)


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _next(request, fallback: str):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


# --- the security administrator's pages ---------------------------------------------------


@login_required
def user_list(request):
    """The city's accounts, searchable by name, username, phone; filtered by role, state."""
    _require(request.user)
    search = forms.AccountSearchForm(request.GET or None)
    rows = _accounts(request.user).order_by("region__code", "role", "username")
    if search.is_valid():
        q = search.cleaned_data["q"].strip()
        if q:
            rows = rows.filter(
                Q(username__icontains=q)
                | Q(full_name__icontains=q)
                | Q(phone__icontains=q)
                | Q(title__icontains=q)
            )
        if search.cleaned_data["role"]:
            rows = rows.filter(role=search.cleaned_data["role"])
        if search.cleaned_data["active"]:
            rows = rows.filter(is_active=search.cleaned_data["active"] == "1")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    locked = set(
        AccessAttempt.objects.filter(
            username__in=[u.username for u in page],
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        ).values_list("username", flat=True)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {
            "search": search,
            "page": page,
            "locked": locked,
            "query": query.urlencode(),
            "may_add": policy.may(request.user, policy.ADD, User),
        },
    )


@login_required
def user_detail(request, pk: int):
    account = _account(request, pk)
    attempts = AccessAttempt.objects.filter(username=account.username).order_by("-attempt_time")
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            "may_manage": policy.may_manage_account(request.user, policy.CHANGE, account),
            "attempts": attempts,
            "locked": any(a.failures_since_start >= settings.AXES_FAILURE_LIMIT for a in attempts),
            "has_device": TOTPDevice.objects.filter(user=account, confirmed=True).exists(),
            "history": account.history.select_related("history_user").order_by("-history_date")[
                :50
            ],
            "reason_form": forms.ReasonForm(),
        },
    )


@login_required
def user_create(request):
    _require(request.user, policy.ADD)
    form = forms.AccountCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.user_create(
                user=request.user,
                data=form.account_data(),
                password=form.cleaned_data["password1"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("账户已创建；首次登录时须修改临时密码。"))
            return redirect("accounts:user_detail", account.pk)
    return render(request, "accounts/form.html", {"form": form, "title": _("新建账户")})


@login_required
def user_edit(request, pk: int):
    account = _account(request, pk)
    policy.check_account(request.user, policy.CHANGE, account)
    form = forms.AccountForm(request.POST or None, instance=account, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                user=request.user,
                account=User.objects.get(pk=account.pk),
                data=form.account_data(),
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("账户已保存。"))
            return redirect("accounts:user_detail", account.pk)
    return render(
        request,
        "accounts/form.html",
        {"form": form, "title": _("修改账户：%(name)s") % {"name": account}, "account": account},
    )


def _reasoned_action(request, pk: int, action, done: str):
    """POST with a reason → one service call → back to the account with a message."""
    account = _account(request, pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写原因。"))
        return redirect("accounts:user_detail", account.pk)
    try:
        action(account, form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("accounts:user_detail", account.pk)


@require_POST
@login_required
def user_deactivate(request, pk: int):
    return _reasoned_action(
        request,
        pk,
        lambda account, reason: services.user_set_active(
            user=request.user, account=account, active=False, reason=reason, request=request
        ),
        _("账户已停用，其登录会话已结束。"),
    )


@require_POST
@login_required
def user_activate(request, pk: int):
    return _reasoned_action(
        request,
        pk,
        lambda account, reason: services.user_set_active(
            user=request.user, account=account, active=True, reason=reason, request=request
        ),
        _("账户已启用。"),
    )


@require_POST
@login_required
def user_unlock(request, pk: int):
    return _reasoned_action(
        request,
        pk,
        lambda account, reason: services.user_unlock(
            user=request.user, account=account, reason=reason, request=request
        ),
        _("登录锁定已解除。"),
    )


@require_POST
@login_required
def user_otp_reset(request, pk: int):
    return _reasoned_action(
        request,
        pk,
        lambda account, reason: services.user_reset_2fa(
            user=request.user, account=account, reason=reason, request=request
        ),
        _("双因素认证已重置；该用户下次登录时须重新绑定。"),
    )


@login_required
def user_password_reset(request, pk: int):
    account = _account(request, pk)
    policy.check_account(request.user, policy.CHANGE, account)
    form = forms.PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_reset_password(
                user=request.user,
                account=account,
                password=form.cleaned_data["password1"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("已设置临时密码；该用户下次登录时须修改。"))
            return redirect("accounts:user_detail", account.pk)
    return render(
        request,
        "accounts/form.html",
        {"form": form, "title": _("重置密码：%(name)s") % {"name": account}, "account": account},
    )


@login_required
def locks(request):
    """Sign-in locks (django-axes) of the city's accounts and of addresses."""
    _require(request.user)
    usernames = _accounts(request.user).values_list("username", flat=True)
    known = Q(username__in=usernames)
    unknown = ~Q(username__in=User.objects.values_list("username", flat=True))
    rows = AccessAttempt.objects.filter(known | unknown).order_by("-attempt_time")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/locks.html",
        {
            "page": page,
            "limit": settings.AXES_FAILURE_LIMIT,
            "reason_form": forms.ReasonForm(),
            "query": "",
        },
    )


@require_POST
@login_required
def unlock_address(request):
    _require(request.user, policy.CHANGE)
    form = forms.ReasonForm(request.POST)
    ip = request.POST.get("ip", "").strip()
    if not form.is_valid():
        messages.error(request, _("请填写原因。"))
    else:
        try:
            services.user_unlock(
                user=request.user, ip=ip, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _("地址 %(ip)s 的登录锁定已解除。") % {"ip": ip})
    return redirect("accounts:locks")


@login_required
def security_settings(request):
    """The city's password rules: expiry and reuse history."""
    _require(request.user, policy.CHANGE)
    city = request.user.region if request.user.is_city_level else None
    if city is None:
        raise PermissionDenied(_("只有市级安全管理员可以修改安全设置。"))
    current = SecuritySettings.objects.filter(city=city).first() or SecuritySettings(city=city)
    form = forms.SecuritySettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.security_settings_update(
                user=request.user,
                city=city,
                data={
                    f: form.cleaned_data[f]
                    for f in ("password_max_age_days", "password_history_count")
                },
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("安全设置已保存。"))
            return redirect("accounts:security_settings")
    return render(
        request,
        "accounts/form.html",
        {
            "form": form,
            "title": _("安全设置"),
            "history": current.history.select_related("history_user")[:20] if current.pk else [],
        },
    )


# --- everyone's pages -----------------------------------------------------------------------


@login_required
def password_change(request):
    """One's own new password: required after a reset and when the password expired."""
    form = forms.OwnPasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.password_change_own(
                user=request.user, password=form.cleaned_data["password1"], request=request
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("password1", message)
        else:
            update_session_auth_hash(request, account)
            messages.success(request, _("密码已修改。"))
            return _next(request, "web:home")
    due = request.user.must_change_password
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "due": due, "next": request.GET.get("next", "")},
    )


def _qr_svg(url: str) -> str:
    """The provisioning address as an inline SVG QR code, drawn here (no outside call)."""
    return segno.make(url, error="m").svg_inline(scale=4, dark="#1f2937")


@login_required
def otp_enrol(request):
    """Bind an authenticator app (TOTP): scan the code, type the number it shows."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.info(request, _("您已绑定认证器；如需更换，请联系安全管理员重置。"))
        return _next(request, "web:home")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("认证器"), confirmed=False)
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            announce("otp_enrolled", user=user, target_user=user, request=request)
            messages.success(request, _("认证器已绑定，以后每次登录都须输入动态验证码。"))
            return _next(request, "web:home")
        otp_verification_failed.send(sender=TOTPDevice, user=user)
        announce("otp_failed", user=user, target_user=user, detail={"step": "enrol"},
                 request=request)  # fmt: skip
        form.add_error("token", _("验证码不正确或已过期，请重新输入认证器上当前的数字。"))
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": _base32(device),
            "next": request.GET.get("next", ""),
        },
    )


def _base32(device) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


@login_required
def otp_verify(request):
    """The second step after the password: the number the authenticator shows."""
    user = request.user
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not devices:
        return redirect("accounts:otp_enrol")
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        device = next((d for d in devices if _verify(d, token)), None)
        if device is not None:
            otp_login(request, device)
            announce("otp_verified", user=user, target_user=user, request=request)
            return _next(request, "web:home")
        otp_verification_failed.send(sender=TOTPDevice, user=user)
        announce("otp_failed", user=user, target_user=user, detail={"step": "verify"},
                 request=request)  # fmt: skip
        form.add_error("token", _("验证码不正确或已过期；多次错误后须稍候再试。"))
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _verify(device, token: str) -> bool:
    # verify_is_allowed: django-otp's own throttling after repeated wrong codes.
    allowed, _detail = device.verify_is_allowed()
    return bool(allowed) and device.verify_token(token)


# --- one's own API tokens -------------------------------------------------------------------


def _require_tokens(user, action: str) -> None:
    if not policy.may(user, action, ApiToken):
        raise PermissionDenied(_("您的角色不能使用接口令牌。"))


@login_required
def api_tokens(request):
    """One's personal API tokens: the list (name, prefix, created, expires, last used) and
    a new one; its secret is shown once, on the answer to the creating POST."""
    user = request.user
    _require_tokens(user, policy.VIEW)
    form = forms.ApiTokenForm(
        request.POST or None,
        max_days=settings.BALLAST_API_TOKEN_MAX_DAYS,
        initial={"days": settings.BALLAST_API_TOKEN_DAYS},
    )
    secret = None
    if request.method == "POST":
        _require_tokens(user, policy.ADD)
        if form.is_valid():
            try:
                _token, secret = services.token_create(
                    user=user,
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                    request=request,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                form = forms.ApiTokenForm(
                    max_days=settings.BALLAST_API_TOKEN_MAX_DAYS,
                    initial={"days": settings.BALLAST_API_TOKEN_DAYS},
                )
    tokens = policy.restrict(ApiToken.objects.all(), user, policy.VIEW)
    response = render(
        request,
        "accounts/api_tokens.html",
        {"tokens": tokens, "form": form, "secret": secret, "now": timezone.now()},
    )
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def api_token_revoke(request, pk: int):
    _require_tokens(request.user, policy.DELETE)
    token = get_object_or_404(
        policy.restrict(ApiToken.objects.all(), request.user, policy.DELETE), pk=pk
    )
    services.token_revoke(user=request.user, token=token, request=request)
    messages.success(request, _("令牌“%(name)s”已吊销。") % {"name": token.name})
    return redirect("accounts:api_tokens")
