from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ballast.core.validators import uscc_check_char, validate_credit_code, validate_project_code


@pytest.mark.parametrize("code", ["2023-321000-39-03-012345", "2021-321081-44-01-000001"])
def test_valid_project_codes(code):
    validate_project_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "2023-32100-39-03-012345",
        "2023-321000-39-04-012345",
        "2023321000390301234",
        "1899-321000-39-03-012345",
    ],
)
def test_invalid_project_codes(code):
    with pytest.raises(ValidationError):
        validate_project_code(code)


def test_credit_code_check_character():
    # 91320000134768391F is a well-known valid code format example computed here
    body = "91321000MA1MXXXX0"
    full = body + uscc_check_char(body)
    validate_credit_code(full)
    wrong = body + ("0" if full[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        validate_credit_code(wrong)
    with pytest.raises(ValidationError, match="18 位"):
        validate_credit_code("91321000MA1MXXXXI0")


def test_known_public_credit_code():
    # The check character of a published code: 91110000802100433B (Bank of China).
    assert uscc_check_char("91110000802100433") == "B"


def test_project_code_unique_and_money_non_negative(make_project):
    make_project(code="2023-321081-39-03-000001")
    with pytest.raises(ValidationError):
        make_project(code="2023-321081-39-03-000001")
    with pytest.raises(ValidationError):
        make_project(total_investment=Decimal("-1"))
    with pytest.raises(ValidationError):
        make_project(land_area=Decimal("-0.5"))
