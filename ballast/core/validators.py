"""Validators for the codes of the domain (DOMAIN.md "Units, codes, money")."""

import re
from datetime import date

from django.core.exceptions import ValidationError

PROJECT_CODE_RE = re.compile(
    r"^(?P<year>\d{4})-(?P<region>\d{6})-(?P<industry>\d{2})-(?P<type>0[123])-(?P<serial>\d{6})$"
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def validate_project_code(value: str) -> None:
    """National investment project code, e.g. ``2023-321000-39-03-012345`` (项目代码)."""
    match = PROJECT_CODE_RE.match(value or "")
    if not match:
        raise ValidationError(
            "项目代码格式应为“年份-六位行政区划代码-两位行业代码-项目类型(01/02/03)-六位流水号”，如 2023-321000-39-03-012345。",
            code="project_code_format",
        )
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise ValidationError(
            "项目代码中的年份 %(year)s 不合理。", code="project_code_year", params={"year": year}
        )


def uscc_check_char(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100-2015)."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    check = 31 - total % 31
    return USCC_ALPHABET[0 if check == 31 else check]


def validate_credit_code(value: str) -> None:
    """Unified social credit code (统一社会信用代码): 18 characters with a check character."""
    value = value or ""
    if len(value) != 18 or any(c not in USCC_ALPHABET for c in value):
        raise ValidationError(
            "统一社会信用代码应为 18 位，由数字和大写字母（不含 I、O、Z、S、V）组成。",
            code="credit_code_format",
        )
    if uscc_check_char(value[:17]) != value[17]:
        raise ValidationError("统一社会信用代码校验位不正确。", code="credit_code_check")


# Dates of the domain lie between these (DOMAIN.md: a project's life from idea to full
# output). 0001-01-01 or 9999-12-31 is a typing slip or a spreadsheet's "no date", never a
# plan; refusing it keeps figures, warnings and overruns meaningful.
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def validate_plausible_date(value) -> None:
    """A date of the domain (stage, plan, baseline, node, report month): 1990–2100."""
    if value is None:
        return
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            "日期 %(value)s 不在 1990-01-01 至 2100-12-31 之间，请检查是否填错。",
            code="date_out_of_range",
            params={"value": value.isoformat()},
        )


def validate_not_future(value, *, today, what: str = "日期") -> None:
    """A date of something that has happened (a stage reached, a works stop): not after today."""
    if value is not None and value > today:
        raise ValidationError(
            "%(what)s %(value)s 晚于今天（%(today)s），不能记录尚未发生的事。",
            code="date_in_future",
            params={"what": what, "value": value.isoformat(), "today": today.isoformat()},
        )
