"""Writes of the integrity analytics (数据质量与防虚报): a city's own thresholds, the
month's on-site check list (抽查) drawn and stored with its seed, and each check's result —
a check that finds inflation corrects the report through the reports' amendment service,
with the check named as the reason, so the figures change by the normal path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ballast.accounts import policy
from ballast.alerts.choices import SiteCheckStatus
from ballast.alerts.models import CheckDraw, IntegrityThreshold, SiteCheck
from ballast.core.concurrency import check_version
from ballast.core.history import acting
from ballast.core.periods import month_start
from ballast.figures.integrity import DEFAULTS, draw_checks
from ballast.figures.selectors import money
from ballast.regions.models import Region
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport
from ballast.reports.services import report_amend

MAX_DRAW = 200


def city_thresholds(city: Region) -> dict:
    """``city``'s own thresholds, ``{key: Decimal}`` (registered with the figures app)."""
    return dict(IntegrityThreshold.objects.filter(city=city).values_list("key", "value"))


def _may_set_thresholds(user, city: Region) -> None:
    if not policy.may_do(user, "set_integrity_thresholds") or not policy.in_area(user, city):
        raise PermissionDenied("您没有设置本市数据质量阈值的权限。")


@transaction.atomic
def thresholds_save(*, user, city: Region, values: dict, reason: str = "") -> dict:
    """Set ``city``'s own thresholds: ``{key: value}``; a value ``None`` (or equal to the
    default) removes the city's own value, so the default applies again. Each change is a
    history row with the acting person and ``reason``. Returns the city's own values."""
    _may_set_thresholds(user, city)
    unknown = set(values) - set(DEFAULTS)
    if unknown:
        raise ValidationError({"key": f"未知的数据质量阈值：{'、'.join(sorted(unknown))}。"})
    rows = {
        row.key: row for row in IntegrityThreshold.objects.select_for_update().filter(city=city)
    }
    errors: dict = {}
    with acting(user, reason=reason.strip() or "设置数据质量阈值"):
        for key, value in values.items():
            row = rows.get(key)
            if value is None or Decimal(str(value)) == Decimal(str(DEFAULTS[key])):
                if row is not None:
                    policy.check(user, policy.DELETE, row)
                    row.delete()
                continue
            value = Decimal(str(value))
            if row is not None and row.value == value:
                continue
            if row is None:
                row = IntegrityThreshold(city=city, key=key, value=value)
            else:
                policy.check(user, policy.CHANGE, row)
                row.value = value
            try:
                row.full_clean()
            except ValidationError as exc:
                errors[key] = [m for ms in exc.message_dict.values() for m in ms]
                continue
            row.save()
    if errors:
        raise ValidationError(errors)
    return city_thresholds(city)


@transaction.atomic
def check_draw_create(
    *, user, city: Region, month: date, size: int, seed: str, as_of: date
) -> CheckDraw:
    """Draw and store ``city``'s on-site check list of ``month``: ``size`` projects by
    :func:`ballast.figures.integrity.draw_checks` from ``seed`` (risk flags as of
    ``as_of``). One list per city and month; the seed is kept so the list can be drawn
    again and compared."""
    if not policy.may_do(user, "draw_site_checks") or not policy.in_area(user, city):
        raise PermissionDenied("您没有抽取本市现场抽查清单的权限。")
    month = month_start(month)
    seed = (seed or "").strip()
    errors = {}
    if not seed:
        errors["seed"] = "请填写随机种子（如会议上当场抽出的号码），以便复核。"
    if not 1 <= size <= MAX_DRAW:
        errors["size"] = f"抽取数量应在1–{MAX_DRAW}之间。"
    if month > month_start(as_of):
        errors["month"] = "抽查月份不能晚于风险提示截至日期所在月份。"
    if CheckDraw.objects.filter(city=city, month=month).exists():
        errors["month"] = f"{month:%Y年%m月}的现场抽查清单已经抽取。"
    if errors:
        raise ValidationError(errors)
    drawn = draw_checks(city=city, month=month, n=size, seed=seed, as_of=as_of)
    if not drawn:
        raise ValidationError({"month": f"{month:%Y年%m月}没有已验收的月报，无从抽查。"})
    reports = {
        r.project_id: r
        for r in MonthlyReport.objects.filter(
            project_id__in=[d["project"] for d in drawn], month=month
        )
    }
    with acting(user, reason=f"抽取{month:%Y年%m月}现场抽查清单（种子{seed}）"):
        draw = CheckDraw(city=city, month=month, seed=seed, size=size, as_of=as_of, drawn_by=user)
        draw.full_clean()
        draw.save()
        for rank, item in enumerate(drawn, start=1):
            report = reports[item["project"]]
            check = SiteCheck(
                draw=draw,
                rank=rank,
                project_id=item["project"],
                report=report,
                weight=item["weight"],
                reasons="\n".join(item["reasons"]),
                reported_investment=report.investment,
            )
            check.full_clean()
            check.save()
    policy.check(user, policy.ADD, draw)
    return draw


@transaction.atomic
def site_check_record(
    *,
    user,
    check: SiteCheck,
    found_investment: Decimal,
    percent_seen: Decimal | None = None,
    notes: str = "",
    checked_on: date,
    expected_version: int | None = None,
) -> SiteCheck:
    """Record what the checker found on site for one check. When the month's investment
    found is below the report's, or the works done seen below the report's 工程完成比例,
    the report is corrected by :func:`ballast.reports.services.report_amend` with the
    check as its reason (the person must be allowed to amend reports), and the check is
    marked 发现虚报; otherwise 核查属实."""
    check = (
        SiteCheck.objects.select_for_update(of=("self",)).select_related("draw").get(pk=check.pk)
    )
    policy.check(user, policy.CHANGE, check)
    if not policy.may_do(user, "record_site_checks"):
        raise PermissionDenied("您没有登记现场抽查结果的权限。")
    check_version(check, expected_version)
    if check.status != SiteCheckStatus.PENDING:
        raise ValidationError({"status": "该项目的抽查结果已登记，不能重复登记。"})
    if found_investment is None:
        raise ValidationError({"found_investment": "请填写核实的当月完成投资。"})
    if not (notes or "").strip():
        raise ValidationError({"notes": "请填写核查情况。"})
    report = check.report
    found = money(found_investment)
    correction = {}
    if found < report.investment:
        correction["investment"] = found
    if (
        percent_seen is not None
        and report.percent_complete is not None
        and Decimal(percent_seen) < report.percent_complete
    ):
        correction["percent_complete"] = Decimal(percent_seen)
    check.found_investment = found
    check.percent_seen = percent_seen
    check.notes = notes.strip()
    check.checked_on = checked_on
    check.checked_by = user
    check.status = SiteCheckStatus.INFLATED if correction else SiteCheckStatus.CONFIRMED
    if correction:
        if report.status != ReportStatus.ACCEPTED:
            raise ValidationError({"found_investment": "该月报已不是已验收状态，不能据抽查更正。"})
        reason = (
            f"{check.label}：核实{report.month:%Y年%m月}完成投资{found}万元"
            f"（原报{report.investment}万元）"
        )
        if "percent_complete" in correction:
            reason += f"，工程完成比例{percent_seen}%（原报{report.percent_complete}%）"
        report_amend(user=user, report=report, data=correction, reason=reason, today=checked_on)
        check.amended = True
    check.full_clean()
    with acting(user, reason=f"登记{check.label}结果"):
        check.save()
    return check
