"""Forms of the account pages. None of them offers is_superuser, is_staff, groups or
user_permissions: powers follow from the one role, set through accounts.services."""

from django import forms
from django.contrib.auth import password_validation
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ballast.accounts import policy
from ballast.accounts.choices import ADMINISTRATOR_ROLES, Role
from ballast.accounts.models import Department, SecuritySettings, User
from ballast.regions.models import Region, within

# Roles the security administrator may give through the web (never an administrator's).
WEB_ROLES = [(value, label) for value, label in Role.choices if value not in ADMINISTRATOR_ROLES]


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("变更原因"),
        max_length=200,
        required=False,
        help_text=_("角色、所属市/板块、部门、启用或停用、重置密码须填写原因，记入审计日志。"),
    )


class AccountForm(ReasonMixin, forms.ModelForm):
    """An account's person, role and place (the security administrator's)."""

    role = forms.ChoiceField(label=_("角色"), choices=WEB_ROLES)

    class Meta:
        model = User
        fields = ("full_name", "role", "region", "department", "title", "phone")

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        root = policy.scope_root(actor)
        self.fields["region"].queryset = (
            Region.objects.filter(within("", root))
            .filter(Q(pk=root.pk) | Q(is_assessment_unit=True))
            .order_by("depth", "sort_order", "code")
            if root is not None
            else Region.objects.none()
        )
        self.fields["region"].required = True
        self.fields["department"].queryset = (
            Department.objects.filter(within("city", root)) if root else Department.objects.none()
        )

    def account_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class AccountCreateForm(AccountForm):
    """A new account with its temporary password (changed at the first sign-in)."""

    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 @/./+/-/_。")},
    )
    password1 = forms.CharField(
        label=_("临时密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("再次输入临时密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ("username", "full_name", "role", "region", "department", "title", "phone")

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该用户名已被使用。"))
        return username

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return cleaned

    def account_data(self) -> dict:
        return {"username": self.cleaned_data["username"], **super().account_data()}


class ReasonForm(ReasonMixin):
    """A confirmation with its (required) reason: deactivate, unlock, reset 2FA."""

    reason = forms.CharField(label=_("原因"), max_length=200)


class PasswordResetForm(ReasonForm):
    password1 = forms.CharField(
        label=_("临时密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("再次输入临时密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return cleaned


class SecuritySettingsForm(ReasonMixin, forms.ModelForm):
    reason = forms.CharField(label=_("变更原因"), max_length=200)

    class Meta:
        model = SecuritySettings
        fields = ("password_max_age_days", "password_history_count")


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    role = forms.ChoiceField(label=_("角色"), required=False,
                             choices=[("", _("全部角色"))] + list(Role.choices))  # fmt: skip
    active = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))],
    )


class OwnPasswordForm(forms.Form):
    """A person's own new password (the old one proves it is them)."""

    old_password = forms.CharField(
        label=_("当前密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    password1 = forms.CharField(
        label=_("新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("再次输入新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("当前密码不正确。"))
        return value

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("password1")
        if new and new != cleaned.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif new and new == cleaned.get("old_password"):
            self.add_error("password1", _("新密码不能与当前密码相同。"))
        return cleaned


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("动态验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"invalid": _("请输入认证器上的 6 位数字。")},
    )


class ApiTokenForm(forms.Form):
    """A new personal API token: a name and how many days it lives."""

    name = forms.CharField(label=_("名称"), max_length=100)
    days = forms.IntegerField(label=_("有效期（天）"), min_value=1)

    def __init__(self, *args, max_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].max_value = max_days
        self.fields["days"].validators.append(MaxValueValidator(max_days))
        self.fields["days"].widget.attrs["max"] = max_days
        self.fields["days"].help_text = _("最长 %(max)s 天。") % {"max": max_days}
