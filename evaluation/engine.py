"""Template engine: fills phrasing-bank templates with figures and records what it planted.

A template is a string with placeholders:
  {Y} {U} {全} …            names (see Doc.names)
  {op:key} / {op:k1+k2}    a figure operation on doc.figs[key] (created lazily by the trap factory)
Figure operations (the text printed and what is recorded):
  v    number + unit           value            n    number only          value
  s    share number (PCT)      value            lb   round threshold+unit value, qualifier lower_bound
  ap   rounded number + unit   value, approx.   apc  rounded up + unit    value, approximate (for 近)
  g    增长x% / 下降x% / 持平   growth           r    signed rate "x%"     growth
  rp   signed rate, no "%"     growth           z    prints nothing       growth 0 (持平 stated in the template)
  gx   增长N倍                  growth stays null (a multiple is not a % growth)
  gn ga g2  nominal / adjusted / two-year-average rate derived from the figure's growth: printed, not recorded
  u    the figure's unit        -               ud / ud2  提高|下降 / 增加|减少 from the sign of the figure's growth
  x:a-b   a random rate "x%" in [a, b] (not a figure)          xn:a-b  a random number, no unit
Every printed figure is wrapped in SPAN markers so that renderers never split it across pages or insert
watermarks inside it; BRK markers are places where the PDF renderer may force a hard line break.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from .numbers import FULLWIDTH, approx, canonical, dec, floor_round, fmt, out_float

SPAN_S, SPAN_E = "\ue010", "\ue011"
BRK_NUM, BRK_NU = "\ue000", "\ue001"
MARK_RE = re.compile("[\ue000-\ue0ff]")
PH_RE = re.compile(r"\{([^{}:\s]+)(?::([^{}\s]+))?\}")
CLASS_RE = re.compile(r"^[ABC]\d{1,2}$")
COND_RE = re.compile(r"^(\w+)(>=|<=|!=|=|<|>)([\w.]+)$")
ALL_CLASSES = [
    "A1",
    "A2",
    "A3",
    "A4",
    "A5",
    "A6",
    "B7",
    "B8",
    "B9",
    "B10",
    "B11",
    "B12",
    "B13",
    "C14",
    "C15",
    "C16",
    "C17",
]


class GenError(Exception):
    """A generator bug: a template asked for something inconsistent."""


def strip_marks(s: str) -> str:
    return MARK_RE.sub("", s)


@dataclass
class Fig:
    key: str
    indicator: str
    num: Decimal  # the number as printed, in the raw unit
    raw: str  # raw unit as printed (亿元, 万元, 人, %, ‰ …)
    growth: Decimal | None = None
    role: str = "obs"  # obs | not
    why: str = ""
    period: str | None = None
    thousands: bool = False
    stray: bool = False  # a stray space after the decimal point (1238. 35)


@dataclass(frozen=True)
class Tpl:
    text: str
    tags: frozenset[str]
    cond: tuple[tuple[str, str, str], ...]

    @property
    def classes(self) -> frozenset[str]:
        return frozenset(t for t in self.tags if CLASS_RE.match(t))


def tpl(s: str) -> Tpl:
    tags: set[str] = set()
    cond: list[tuple[str, str, str]] = []
    m = re.match(r"^\[([^\]]*)\]\s*", s)
    if m and not s.startswith("[1]"):
        for tok in m.group(1).split():
            c = COND_RE.match(tok)
            if c:
                cond.append((c.group(1), c.group(2), c.group(3)))
            else:
                tags.add(tok)
        s = s[m.end() :]
    return Tpl(s, frozenset(tags), tuple(cond))


def bank(*lines: str) -> list[Tpl]:
    return [tpl(x) for x in lines]


def _cmp(a, op: str, b: str) -> bool:
    if isinstance(a, int):
        bv: object = int(b)
    else:
        a, bv = str(a), b
    return {"=": a == bv, "!=": a != bv, ">=": a >= bv, "<=": a <= bv, "<": a < bv, ">": a > bv}[op]


@dataclass
class Style:
    neg: str = "下降"  # how a negative growth is written: 下降 | 增长- | 减少
    fullwidth: bool = False
    ascii_punct: bool = False
    trad: bool = False
    pinyin: frozenset[str] = frozenset()  # characters that get a reading outside figures
    toneless: bool = False
    pinyin_units: str = ""  # "" | first | all: readings inside units of figures
    thousands: bool = False
    stray: float = 0.0
    unit_space: bool = False  # a space between a number and its unit (1.5 %, 123.4 亿元)


class Doc:
    """One document being composed: blocks of marked text plus the planted figures."""

    def __init__(self, rng: random.Random, idx: int, kind: str | None, unit, year: int | None, fmt_: str):
        self.rng = rng
        self.idx = idx
        self.kind = kind
        self.unit = unit
        self.year = year
        self.format = fmt_
        self.period = str(year) if year else ""
        self.style = Style()
        self.figs: dict[str, Fig] = {}
        self.trap_factory = None  # callable(doc, key) -> Fig
        self.trap_deps = None  # callable(key) -> figure keys a trap is derived from
        self.names: dict[str, str] = {}
        self.name_tags: dict[str, set[str]] = {}  # tags a name's chosen variant exercises (e.g. FRL -> C14)
        self.blocks: list[dict] = []
        self.chrome_top: list[dict] = []
        self.chrome_bottom: list[dict] = []
        self.html_title = ""
        self.enabled: set[str] = set()  # classes this document may exercise
        self.tags: set[str] = set()  # classes and features actually used
        self.obs: dict[tuple, dict] = {}
        self.obs_printed: dict[tuple, list[str]] = {}
        self.must_not: list[dict] = []
        self.mn_printed: list[list[str]] = []
        self.value_done: set[str] = set()
        self.growth_done: set[str] = set()
        self.expect = "observations"
        self.status: str | None = None
        self.notes: list[str] = []
        self.meta: dict = {}

    # ----- figures -------------------------------------------------------------------------
    def fig(self, key: str) -> Fig:
        if key not in self.figs:
            if self.trap_factory is None:
                raise GenError(f"unknown figure {key}")
            self.figs[key] = self.trap_factory(self, key)
        return self.figs[key]

    def has(self, *keys: str) -> bool:
        return all(k in self.figs for k in keys)

    def ok(self, t: Tpl, ctx: dict | None = None) -> bool:
        c = self.ctx() | (ctx or {})
        for k, op, v in t.cond:
            if k not in c or c[k] is None or not _cmp(c[k], op, v):
                return False
        return t.classes <= self.enabled

    def ctx(self) -> dict:
        u = self.unit
        return {
            "y": self.year or 0,
            "k": self.kind or "",
            "lvl": u.size if u else "",
            "cur": self.meta.get("trade_cur", ""),
            "prov": u.prov_short if u else "",
            "par": "1" if (u and u.parent) else "0",
            "port": "1" if (u and u.port) else "0",
            "money": self.meta.get("money", ""),
            "aut": "1" if (u and "自治区" in u.province) else "0",
        }

    def pick(
        self, tpls: list[Tpl], need: str | None = None, avoid: set[str] | None = None, keys_needed: bool = True
    ) -> Tpl:
        cands = [t for t in tpls if self.ok(t)]
        if avoid:
            cands = [t for t in cands if not (t.tags & avoid)]
        if keys_needed:
            cands = [t for t in cands if self._keys_ok(t)]
        if need:
            c2 = [t for t in cands if need in t.tags]
            if c2:
                cands = c2
        if not cands:
            raise GenError("no eligible template")
        weights = [3.0 if (t.classes & self.enabled) else 1.0 for t in cands]
        return self.rng.choices(cands, weights=weights)[0]

    def _keys_ok(self, t: Tpl) -> bool:
        # observation figures must exist in the world (traps are made on demand) and not be printed twice
        for m in PH_RE.finditer(t.text):
            op, arg = m.group(1), m.group(2)
            if arg is None or op in ("x", "xn"):
                continue
            for key in arg.split("+"):
                if key in self.figs:
                    f = self.figs[key]
                    if f.role == "obs" and op in ("v", "vy", "n", "s", "lb", "ap", "apc") and key in self.value_done:
                        return False
                    if f.role == "obs" and op in ("g", "r", "rp", "z", "gx", "gm") and key in self.growth_done:
                        return False
                    if op in ("g", "r", "rp", "gn", "ga", "g2", "ud", "ud2") and f.growth is None:
                        return False
                elif key in OBS_KEYS or (
                    self.trap_deps is not None and not all(d in self.figs for d in self.trap_deps(key))
                ):
                    return False
        return True

    # ----- filling ---------------------------------------------------------------------------
    def fill(self, t: Tpl | str, qual: str | None = None, **names: str) -> str:
        if isinstance(t, str):
            t = tpl(t)
        env = self.names | names
        touched: dict[str, dict] = {}

        def rep(m: re.Match) -> str:
            op, arg = m.group(1), m.group(2)
            if arg is None:
                if op not in env:
                    raise GenError(f"unknown name {op} in {t.text}")
                self.tags |= self.name_tags.get(op, set())
                return env[op]
            return self._op(op, arg, touched)

        text = PH_RE.sub(rep, t.text)
        if qual is None:  # a qualifier word written in the template itself holds for its figures
            bare = PH_RE.sub("", t.text)
            if "初步核算" in bare or "初步测算" in bare:
                qual = "preliminary"
            elif "预计" in bare:
                qual = "estimate"
        # names may themselves contain figure placeholders (e.g. {FRL} never does; {Q} never does)
        self.tags |= set(t.tags)
        self._commit(touched, qual)
        return text

    def say(
        self,
        tpls: list[Tpl],
        qual_bank: list | None = None,
        need: str | None = None,
        avoid: set[str] | None = None,
        **names: str,
    ) -> str:
        t = self.pick(tpls, need=need, avoid=avoid)
        qual = None
        if "{Q}" in t.text:
            qb = [q for q in (qual_bank or []) if self.ok(q[0])]
            qt, qual = self.rng.choice(qb)
            names = names | {"Q": self.fill(qt)}
        return self.fill(t, qual=qual, **names)

    def _fw(self, s: str) -> str:
        return s.translate(FULLWIDTH) if self.style.fullwidth else s

    def _num(self, f: Fig, d: Decimal | None = None) -> tuple[str, str]:
        d = f.num if d is None else d
        s = fmt(d, thousands=f.thousands)
        if f.stray and "." in s and not f.thousands:
            s = s.replace(".", ". ", 1)
        s = self._fw(s)
        digits = [i for i in range(1, len(s)) if s[i - 1] != " " and s[i] != " "]
        marked = s
        if digits:
            i = self.rng.choice(digits)
            marked = s[:i] + BRK_NUM + s[i:]
        return marked, s

    PINYIN_UNIT: ClassVar[dict[str, str]] = {
        "万": "wàn",
        "亿": "yì",
        "元": "yuán",
        "人": "rén",
        "吨": "dūn",
        "美": "měi",
    }

    def _unit_text(self, raw: str) -> str:
        mode = self.style.pinyin_units
        if not mode or raw in ("%", "‰") or self.rng.random() < 0.35:
            return self._fw(raw) if raw == "%" else raw
        out = []
        for i, ch in enumerate(raw):
            out.append(ch)
            if ch in self.PINYIN_UNIT and (mode == "all" or i == 0):
                py = self.PINYIN_UNIT[ch]
                out.append(f"({_toneless(py) if mode == 'all' else py})")
        return "".join(out)

    def _rate(self, g: Decimal, signed: bool = True, pct: bool = True) -> str:
        s = fmt(g if signed else abs(g))
        sp = " " if (pct and self.style.unit_space and self.rng.random() < 0.4) else ""
        return self._fw(s + (sp + "%" if pct else ""))

    def _span(self, marked: str) -> str:
        return SPAN_S + marked + SPAN_E

    def _op(self, op: str, arg: str, touched: dict) -> str:
        rng = self.rng
        if op in ("x", "xn"):
            lo, hi = (float(v) for v in arg.split("-", 1)) if "-" in arg[1:] else (1.0, 12.0)
            integral = op == "xn" and lo == int(lo) and hi == int(hi) and hi - lo >= 10
            val = dec(rng.uniform(lo, hi), 0 if integral else 1)
            return self._fw(fmt(val) + ("%" if op == "x" else ""))
        keys = arg.split("+")
        f = self.fig(keys[0])
        rec = touched.setdefault(keys[0], {"printed": []})
        if op in ("v", "vy", "n", "lb", "ap", "apc", "s"):
            d = f.num
            q = None
            if op == "lb":
                d, q = floor_round(f.num), "lower_bound"
                if d >= f.num:
                    d = floor_round(f.num * Decimal("0.95"))
            elif op in ("ap", "apc"):
                d, q = approx(f.num, up=(op == "apc")), "approximate"
            marked, plain = self._num(f, d)
            if op in ("v", "vy", "lb", "ap", "apc"):
                if op == "vy":  # 生产总值56.7亿: the bare 亿 of news items
                    if f.raw != "亿元":
                        raise GenError("vy needs a figure in 亿元")
                    unit = "亿"
                else:
                    unit = self._unit_text(f.raw)
                if self.style.unit_space and rng.random() < 0.5:
                    unit = " " + unit
                marked = marked + BRK_NU + unit
                plain = plain + unit
            rec["value"] = canonical(d, f.raw)
            rec["printed"].append(plain)
            if q:
                rec["q"] = q
            return self._span(marked)
        if op == "u":
            return f.raw
        if op in ("ud", "ud2"):
            up = f.growth is None or f.growth >= 0
            return ("提高" if up else "下降") if op == "ud" else ("增加" if up else "减少")
        # growth operations
        if op in ("gn", "ga", "g2"):
            g = f.growth
            if g is None:
                raise GenError(f"{op} needs a growth for {f.key}")
            if op == "gn":
                d = g + dec(rng.uniform(0.6, 3.5), 1)
            elif op == "ga":
                d = g + dec(rng.choice([-1, 1]) * rng.uniform(0.5, 4.0), 1)
            else:
                d = dec(max(-3.0, float(g) * rng.uniform(0.4, 0.8) + rng.uniform(-1, 1)), 1)
            if d == g:
                d = g + Decimal("0.7")
            return self._span(self._rate(d))
        if op == "gm":  # 是上年的N倍: the multiple is printed by itself, the growth stays null
            m = dec(rng.uniform(1.1, 3.5), 1)
            for k in keys:
                touched.setdefault(k, {"printed": []})["gx"] = True
            return self._span(self._fw(fmt(m)))
        if op == "gx":
            m = dec(rng.uniform(1.1, 4.5), 1)
            for k in keys:
                touched.setdefault(k, {"printed": []})["gx"] = True
            return "增长" + self._span(self._fw(fmt(m))) + "倍"
        if op == "z":
            for k in keys:
                touched.setdefault(k, {"printed": []})["growth"] = Decimal(0)
            return ""
        g = f.growth
        if g is None:
            raise GenError(f"no growth for {f.key}")
        if op == "g":
            if g == 0:
                text, printed = "持平", "持平"
            elif g > 0:
                r = self._rate(g)
                text, printed = "增长" + self._span(r), r
            else:
                neg = self.style.neg
                if neg == "增长-":
                    r = self._rate(g)
                    text, printed = "增长" + self._span(r), r
                else:
                    r = self._rate(g, signed=False)
                    text, printed = neg + self._span(r), r
        elif op in ("r", "rp"):
            r = self._rate(g, pct=(op == "r"))
            text, printed = self._span(r), r
        else:
            raise GenError(f"unknown op {op}")
        for k in keys:
            rk = touched.setdefault(k, {"printed": []})
            rk["growth"] = g
            rk["printed"].append(printed)
        return text

    def _commit(self, touched: dict, qual: str | None) -> None:
        for key, t in touched.items():
            f = self.fig(key)
            if f.role == "obs":
                value = unit = None
                if "value" in t:
                    if key in self.value_done:
                        raise GenError(f"value of {key} printed twice")
                    self.value_done.add(key)
                    value, unit = t["value"]
                growth = None
                if "growth" in t or t.get("gx"):
                    if key in self.growth_done:
                        raise GenError(f"growth of {key} printed twice")
                    self.growth_done.add(key)
                    growth = None if t.get("gx") else t["growth"]
                q = t.get("q") or qual
                period = f.period or self.period
                cu = canonical(Decimal(1), f.raw)[1]
                k = (f.indicator, period, cu)
                rec = self.obs.get(k)
                if rec is None:
                    rec = {
                        "indicator": f.indicator,
                        "period": period,
                        "value": None,
                        "unit": None,
                        "growth_pct": None,
                        "qualifier": None,
                    }
                    self.obs[k] = rec
                    self.obs_printed[k] = []
                if value is not None:
                    if rec["value"] is not None and rec["value"] != out_float(value):
                        raise GenError(f"conflicting values for {k}")
                    rec["value"], rec["unit"] = out_float(value), unit
                if growth is not None:
                    rec["growth_pct"] = out_float(growth)
                if q and not rec["qualifier"]:
                    rec["qualifier"] = q
                self.obs_printed[k].extend(t["printed"])
            else:
                if "value" in t:
                    v = out_float(t["value"][0])
                    if not any(m["indicator"] == f.indicator and m["value"] == v for m in self.must_not):
                        self.must_not.append({"indicator": f.indicator, "value": v, "why": f.why})
                        self.mn_printed.append(list(t["printed"]))

    # ----- blocks ------------------------------------------------------------------------------
    def add(self, t: str, text: str = "", **kw) -> None:
        self.blocks.append({"t": t, "text": text, **kw})


def _toneless(py: str) -> str:
    table = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü", "aaaaeeeeiiiioooouuuuvvvvv")
    return py.translate(table)


# figure keys that only the world creates (templates needing them are skipped when absent)
OBS_KEYS = {
    "gdp",
    "va1",
    "va2",
    "va3",
    "vai",
    "gdppc",
    "gdppc_usd",
    "st1",
    "st2",
    "st3",
    "trade",
    "exp",
    "imp",
    "trade_cny",
    "trade_h",
    "bmt",
    "cdt",
    "ptv",
    "cargo",
    "fr",
    "frt",
    "fe",
    "pop",
    "popr",
    "retail",
    "fai",
    "ui",
    "ri",
}
