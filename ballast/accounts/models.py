"""People: users with one role, attached to a city or to one assessment unit."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from ballast.accounts.choices import CITY_ONLY_ROLES, UNIT_ONLY_ROLES, Role
from ballast.regions.choices import RegionKind


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
        if self.role in UNIT_ONLY_ROLES and not self.region.is_assessment_unit:
            raise ValidationError({"region": f"{self.get_role_display()}应属于一个考核板块。"})
        if self.role == Role.DEPARTMENT and self.department is None:
            raise ValidationError({"department": "部门用户须选择所属部门。"})

    @property
    def is_city_level(self) -> bool:
        return self.region_id is not None and self.region.kind == RegionKind.CITY

    @property
    def city_id_in_scope(self) -> int | None:
        if self.region_id is None:
            return None
        return self.region_id if self.is_city_level else self.region.parent_id


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
