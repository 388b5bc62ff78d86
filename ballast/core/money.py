"""Money is kept in 万元 as exact decimals; these helpers format it for people."""

from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")
WAN_PER_YI = Decimal(10000)


def quantize(value) -> Decimal:
    """Round a money amount to two decimals, half up."""
    return (Decimal(value) if value is not None else Decimal(0)).quantize(TWO_PLACES, ROUND_HALF_UP)


def wan_to_yi(value) -> Decimal:
    """万元 → 亿元 (1 亿元 = 10,000 万元)."""
    return quantize(Decimal(value or 0) / WAN_PER_YI)


def money_str(value) -> str:
    """The JSON form of money: a string with two decimals, in 万元."""
    return f"{quantize(value):.2f}"
