"""People: users with one role, attached to a city or to one assessment unit."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from ballast.accounts.choices import (
    ADMINISTRATOR_ROLES,
    CITY_ONLY_ROLES,
    PROVINCE_ONLY_ROLES,
    UNIT_ONLY_ROLES,
    Role,
)
from ballast.core.history import history_user
from ballast.core.models import HistoryExtra
from ballast.regions.choices import RegionKind
from ballast.regions.models import Region


def _history(**kwargs):
    """The history table every account model keeps: who, when, before/after, why."""
    return HistoricalRecords(
        bases=[HistoryExtra],
        get_user=history_user,
        history_change_reason_field=models.TextField(null=True),
        **kwargs,
    )


class Department(models.Model):
    """A city department (e.g. 市自然资源和规划局) that answers coordination issues."""

    city = models.ForeignKey(
        "regions.Region",
        verbose_name="所属市",
        on_delete=models.PROTECT,
        related_name="departments",
    )
    name = models.CharField("名称", max_length=64)
    short_name = models.CharField("简称", max_length=32, blank=True)

    history = _history()

    # The city's departments are configuration (系统管理员, 市级管理员).
    # The city's directory of departments: read by every city role (also departments,
    # to whom issues go), kept by the system administrator like the configuration.
    access_group = "directory"
    city_path = "city"

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ("city", "name")
        constraints = [
            models.UniqueConstraint(fields=("city", "name"), name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """A person using Ballast.

    ``region`` is the city for city-level people, or the assessment unit (板块) for unit
    people; what they may see follows from it and from ``role`` (accounts.policy).
    """

    full_name = models.CharField("姓名", max_length=32, blank=True)
    role = models.CharField("角色", max_length=16, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所属市/板块",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    title = models.CharField("职务", max_length=64, blank=True)
    phone = models.CharField("电话", max_length=32, blank=True)
    must_change_password = models.BooleanField(
        "下次登录须修改密码",
        default=False,
        help_text="安全管理员重置密码后为真：登录后须先设置新密码。",
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    # Never the password hash; last_login is written by a plain update (signals.py), so
    # a sign-in is in the login log, not in the account's history.
    history = _history(excluded_fields=["password", "last_login"])

    # Accounts are the security administrator's (三权分立).
    access_group = "account"
    person_region_path = "region"

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self):
        super().clean()
        if not self.role:
            return
        if self.region is None:
            raise ValidationError({"region": "请选择所属市或板块。"})
        if self.role in CITY_ONLY_ROLES and self.region.kind != RegionKind.CITY:
            raise ValidationError({"region": f"{self.get_role_display()}应属于设区市。"})
        if self.role in PROVINCE_ONLY_ROLES and self.region.kind != RegionKind.PROVINCE:
            raise ValidationError({"region": f"{self.get_role_display()}应属于一个省。"})
        if self.role in UNIT_ONLY_ROLES and not self.region.is_assessment_unit:
            raise ValidationError({"region": f"{self.get_role_display()}应属于一个考核板块。"})
        if self.role == Role.DEPARTMENT and self.department is None:
            raise ValidationError({"department": "部门用户须选择所属部门。"})

    @property
    def is_administrator(self) -> bool:
        """One of the three administrators of 等保 (or a console superuser)."""
        return self.is_superuser or self.role in ADMINISTRATOR_ROLES

    @property
    def is_city_level(self) -> bool:
        """A person of a city (市级): the region is the city itself."""
        return self.region_id is not None and self.region.kind == RegionKind.CITY

    @property
    def is_province_level(self) -> bool:
        """A person of a province (省级): the region is the province."""
        return self.region_id is not None and self.region.kind == RegionKind.PROVINCE

    @property
    def is_above_units(self) -> bool:
        """A person of a city or a province, whose scope is a whole area rather than one
        assessment unit (and the units, districts and parks below it)."""
        return self.is_city_level or self.is_province_level

    @property
    def city_id_in_scope(self) -> int | None:
        """The person's city (their region's, at any depth); None for a province person,
        whose scope holds many cities (accounts.policy scopes by path prefix)."""
        if self.region_id is None:
            return None
        return self.region.city_id


class LoginEvent(models.Model):
    """One sign-in, sign-out or failed sign-in (the login log auditors read)."""

    class Kind(models.TextChoices):
        LOGIN = "login", "登录"
        LOGOUT = "logout", "退出"
        FAILED = "failed", "登录失败"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    user = models.ForeignKey(
        User, verbose_name="用户", null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField("用户名", max_length=150)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=255, blank=True)

    access_group = "login"

    class Meta:
        verbose_name = "登录日志"
        verbose_name_plural = "登录日志"
        ordering = ("-at",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()}"


class PasswordHistory(models.Model):
    """A password a person has used (its hash), for the reuse rule (密码重用)."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField("密码摘要", max_length=128)
    created_at = models.DateTimeField("设置时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class SecuritySettings(models.Model):
    """A city's password rules (口令策略), data the security administrator edits."""

    city = models.OneToOneField(
        "regions.Region",
        verbose_name="所属市",
        on_delete=models.PROTECT,
        related_name="security_settings",
    )
    password_max_age_days = models.PositiveSmallIntegerField(
        "密码有效期（天）",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="超过天数须修改密码。",
    )
    password_history_count = models.PositiveSmallIntegerField(
        "不得重复使用最近几次的密码",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = _history()

    access_group = "account"
    city_path = "city"

    class Meta:
        verbose_name = "安全设置"
        verbose_name_plural = "安全设置"

    def __str__(self) -> str:
        return f"{self.city} 安全设置"

    @classmethod
    def for_user(cls, user) -> "SecuritySettings":
        """The rules of ``user``'s city (defaults when the city has none saved)."""
        city_id = getattr(user, "city_id_in_scope", None) if user is not None else None
        if city_id is None:
            city_id = _default_city_id()
        found = cls.objects.filter(city_id=city_id).first() if city_id else None
        return found or cls(city_id=city_id)


def _default_city_id() -> int | None:
    return Region.objects.filter(code=settings.BALLAST_CITY).values_list("pk", flat=True).first()


class ApiToken(models.Model):
    """A personal API token (个人接口令牌): a person's key to ``/api/v1/`` for their scripts.

    The secret is shown once, when the token is made, and stored only as its SHA-256
    digest (the secret is 256 random bits, so a fast digest is enough: there is nothing to
    guess). ``prefix`` — the secret's first characters — lets the person tell their tokens
    apart in the list. A token stops working when it expires or is revoked; it acts with
    its owner's role and scope, never more (``accounts/policy.py``).
    """

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField("前缀", max_length=12, db_index=True)
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    last_used_ip = models.GenericIPAddressField("最近使用地址", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    access_group = "token"
    owner_path = "user"

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    def is_live(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now


class IdempotentRequest(models.Model):
    """The first answer to a creating POST sent with an ``Idempotency-Key`` header: the
    same key from the same person within 24 hours gets this answer again and creates
    nothing twice (``ballast/api/idempotency.py``)."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE)
    key = models.CharField("幂等键", max_length=255)
    method = models.CharField("方法", max_length=8)
    path = models.CharField("路径", max_length=300)
    status = models.PositiveSmallIntegerField("状态码")
    body = models.JSONField("响应", null=True, blank=True)
    headers = models.JSONField("响应头", default=dict, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "幂等请求"
        verbose_name_plural = "幂等请求"
        constraints = [
            models.UniqueConstraint(fields=("user", "key"), name="idempotent_request_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
