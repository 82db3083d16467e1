"""Decimal arithmetic for planted figures: raw units, canonical conversion, formatting."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

# raw unit as printed -> (canonical unit code or None for rates that are never levels, multiplier)
RAW_UNITS: dict[str, tuple[str | None, Decimal]] = {
    "万亿元": ("CNY_100M", Decimal(10000)),
    "亿元": ("CNY_100M", Decimal(1)),
    "亿": ("CNY_100M", Decimal(1)),
    "万元": ("CNY_100M", Decimal("0.0001")),
    "元": ("CNY", Decimal(1)),
    "亿美元": ("USD_100M", Decimal(1)),
    "万美元": ("USD_100M", Decimal("0.0001")),
    "美元": ("USD", Decimal(1)),
    "万人": ("10K_PERSONS", Decimal(1)),
    "人": ("10K_PERSONS", Decimal("0.0001")),
    "万吨": ("10K_TONNES", Decimal(1)),
    "吨": ("10K_TONNES", Decimal("0.0001")),
    "%": ("PCT", Decimal(1)),
    # rates that are never levels: the must_not value is the bare number
    "‰": (None, Decimal(1)),
    "岁": (None, Decimal(1)),
    "人/平方公里": (None, Decimal(1)),
    "个百分点": (None, Decimal(1)),
}
CANONICAL_UNITS = {"CNY_100M", "USD_100M", "CNY", "USD", "10K_PERSONS", "10K_TONNES", "PCT"}

FULLWIDTH = str.maketrans("0123456789.%,-", "０１２３４５６７８９．％，－")


def dec(x: float, places: int) -> Decimal:
    """Round a float to a Decimal with `places` decimals (half up)."""
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def places_of(d: Decimal) -> int:
    return max(0, -d.as_tuple().exponent)


def canonical(num: Decimal, raw: str) -> tuple[Decimal, str | None]:
    unit, mult = RAW_UNITS[raw]
    return num * mult, unit


def out_float(d: Decimal) -> float:
    """A Decimal as a float rounded to 10 significant digits."""
    return float(format(d, ".10g"))


def fmt(d: Decimal, thousands: bool = False) -> str:
    return format(d, ",f" if thousands else "f")


def floor_round(d: Decimal) -> Decimal:
    """The round threshold just below d (突破300亿元): leading digit kept, the rest zero."""
    n = int(d)
    if n < 10:
        return Decimal(max(1, n))
    step = 10 ** (len(str(n)) - 1)
    return Decimal((n // step) * step)


def ceil_round(d: Decimal) -> Decimal:
    """A round number (two significant digits) strictly above d, for targets (力争突破400亿元)."""
    n = int(d)
    step = 10 ** max(0, len(str(n)) - 2)
    return Decimal((n // step + 1) * step)


def approx(d: Decimal, up: bool = False) -> Decimal:
    """A rounded form for 约 / 近 (one decimal fewer, at most one decimal; integers above 100)."""
    p = places_of(d)
    target = 0 if d >= 100 or p == 0 else min(1, p - 1) if p > 1 else 0
    q = Decimal(1).scaleb(-target)
    if up:
        r = d.quantize(q, rounding=ROUND_CEILING)
        if r == d:
            r = r + q
        return r
    r = d.quantize(q, rounding=ROUND_HALF_UP)
    if r == d:  # make sure the approximation is visibly rounder than the truth
        r = d.quantize(Decimal(1), rounding=ROUND_FLOOR) if target > 0 else (d / 10).quantize(Decimal(1)) * 10
    return r
