from datetime import date

import pytest

from ballast.core.periods import Period, add_months, months_between


@pytest.mark.parametrize(
    "text,start,end,label",
    [
        ("2023", date(2023, 1, 1), date(2023, 12, 31), "2023年"),
        ("2023H2", date(2023, 7, 1), date(2023, 12, 31), "2023年下半年"),
        ("2023Q1", date(2023, 1, 1), date(2023, 3, 31), "2023年一季度"),
        ("2024B1", date(2024, 1, 1), date(2024, 2, 29), "2024年1—2月"),
        ("2023-03", date(2023, 3, 1), date(2023, 3, 31), "2023年3月"),
    ],
)
def test_parse(text, start, end, label):
    period = Period.parse(text)
    assert (period.start, period.end, period.label, str(period)) == (start, end, label, text)


def test_previous_and_bad_input():
    assert str(Period.parse("2023Q1").previous()) == "2022Q4"
    assert str(Period.parse("2023-01").previous()) == "2022-12"
    for bad in ("2023Q5", "23Q1", "2023-13", "abc"):
        with pytest.raises(ValueError):
            Period.parse(bad)


def test_month_arithmetic():
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert months_between(date(2022, 11, 15), date(2023, 2, 1)) == 3
