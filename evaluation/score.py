"""Score the extractor on a folder of documents with hand- or generator-written expectations.

Every document `NAME` in the folder has a `NAME.expected.json` beside it:

    {"doc": "NAME", "expect": "observations" | "no_text" | "blocked" | "not_a_bulletin",
     "args": ["--unit", "150781"],              # extra `extract` arguments (--unit, --year)
     "observations": [{"indicator", "period", "value", "unit", "growth_pct", "qualifier"}],
     "must_not": [{"indicator", "value"}],
     # optional: "classes": [...], "status": "partial", "unit_name", "unit_code", "data_year", "kind"}

An extracted observation matches an expected one on indicator, period, unit and value (relative 1e-6),
then growth within 0.05 percentage points; a figure expected as growth only (value null) matches an
extracted growth-only observation of the same indicator and period. Matching is one to one.
Precision is matched / extracted, recall matched / expected, summed over documents (micro average).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

VALUE_REL_TOL = 1e-6
GROWTH_TOL = 0.05
EXPECTS = ("observations", "no_text", "blocked", "not_a_bulletin")


class ExpectationError(ValueError):
    """An expected file that does not follow the format."""


@dataclass(frozen=True)
class Expected:
    path: Path  # the document
    expect: str
    args: tuple[str, ...]
    observations: tuple[dict, ...]
    must_not: tuple[dict, ...]
    classes: tuple[str, ...] = ()
    status: str | None = None
    unit_name: str | None = None
    unit_code: str | None = None
    data_year: int | None = None
    kind: str | None = None


def load_expected(path: Path) -> Expected:
    """Read and check one `NAME.expected.json`; the error names the file and what is wrong."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ExpectationError(f"{path}: not a readable JSON file ({err})") from None
    if not isinstance(raw, dict):
        raise ExpectationError(f"{path}: expected a JSON object")
    doc = raw.get("doc") or path.name.removesuffix(".expected.json")
    doc_path = path.parent / doc
    if not doc_path.is_file():
        raise ExpectationError(f"{path}: the document {doc!r} is not in {path.parent}")
    expect = raw.get("expect", "observations")
    if expect not in EXPECTS:
        raise ExpectationError(f"{path}: 'expect' is {expect!r}; one of {', '.join(EXPECTS)}")
    obs = raw.get("observations") or []
    for i, o in enumerate(obs):
        missing = {"indicator", "period", "value"} - set(o)
        if missing:
            raise ExpectationError(f"{path}: observation {i + 1} lacks {', '.join(sorted(missing))}")
        if o["value"] is not None and not o.get("unit"):
            raise ExpectationError(f"{path}: observation {i + 1} has a value but no unit")
    args = raw.get("args") or []
    if not all(isinstance(a, str) for a in args):
        raise ExpectationError(f"{path}: 'args' must be a list of strings")
    year = raw.get("data_year")
    return Expected(
        doc_path,
        expect,
        tuple(args),
        tuple(obs),
        tuple(raw.get("must_not") or []),
        tuple(raw.get("classes") or ()),
        raw.get("status"),
        raw.get("unit_name"),
        raw.get("unit_code"),
        int(year) if year is not None else None,
        raw.get("kind"),
    )


def expected_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.expected.json"))


def _close(a: float, b: float, rel: float) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def _growth_ok(exp: dict, got: dict) -> bool:
    e, g = exp.get("growth_pct"), got.get("growth_pct")
    if e is None or g is None:
        return e is None and g is None
    return abs(e - g) <= GROWTH_TOL + 1e-9


def _value_ok(exp: dict, got: dict) -> bool:
    if exp["value"] is None:
        return got.get("value") is None
    if got.get("value") is None or got.get("unit") != exp.get("unit"):
        return False
    return _close(float(exp["value"]), float(got["value"]), VALUE_REL_TOL)


def match(expected: list[dict], got: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Pair expected and extracted observations one to one: (pairs, missed, extra).

    >>> e = [{"indicator": "gdp", "period": "2020", "value": 12.5, "unit": "CNY_100M", "growth_pct": 3.0}]
    >>> g = [{"indicator": "gdp", "period": "2020", "value": 12.5000000001, "unit": "CNY_100M", "growth_pct": 3.04},
    ...      {"indicator": "gdp", "period": "2019", "value": 11.0, "unit": "CNY_100M", "growth_pct": None}]
    >>> pairs, missed, extra = match(e, g)
    >>> len(pairs), missed, [x["period"] for x in extra]
    (1, [], ['2019'])
    >>> match(e, [{**g[0], "growth_pct": 3.2}])[0]   # the right level with the wrong growth is not a match
    []
    """
    left = list(got)
    pairs, missed = [], []
    for e in expected:
        hit = next(
            (
                g
                for g in left
                if g.get("indicator") == e["indicator"]
                and str(g.get("period")) == str(e["period"])
                and _value_ok(e, g)
                and _growth_ok(e, g)
            ),
            None,
        )
        if hit is None:
            missed.append(e)
        else:
            left.remove(hit)
            pairs.append((e, hit))
    return pairs, missed, left


def lookalikes_taken(must_not: list[dict], got: list[dict]) -> list[dict]:
    """Extracted observations that are a planted look-alike (same indicator and value)."""
    out = []
    for m in must_not:
        if m.get("value") is None:
            continue
        for g in got:
            if (
                g.get("indicator") == m.get("indicator")
                and g.get("value") is not None
                and _close(float(m["value"]), float(g["value"]), VALUE_REL_TOL)
            ):
                out.append({**m, "locator": g.get("locator")})
                break
    return out


@dataclass
class DocScore:
    name: str
    expect: str
    status: str
    status_ok: bool
    matched: int
    extracted: int
    expected: int
    missed: list[dict] = field(default_factory=list)
    extra: list[dict] = field(default_factory=list)
    lookalikes: list[dict] = field(default_factory=list)
    identity_errors: list[str] = field(default_factory=list)
    classes: tuple[str, ...] = ()
    error: str | None = None  # the extractor raised


def _status_ok(exp: Expected, status: str) -> bool:
    if exp.expect == "observations":
        return status == exp.status if exp.status else status in ("ok", "partial")
    return status == exp.expect


def _identity_errors(exp: Expected, doc: dict) -> list[str]:
    errs = []
    for key in ("unit_name", "unit_code", "data_year", "kind"):
        want = getattr(exp, key)
        if want is not None and exp.expect == "observations" and doc.get(key) != want:
            errs.append(f"{key} {doc.get(key)!r}, expected {want!r}")
    return errs


def _overrides(args: tuple[str, ...], where: Path) -> dict:
    out: dict = {}
    it = iter(args)
    for a in it:
        if a in ("--unit", "--year"):
            v = next(it, None)
            if v is None:
                raise ExpectationError(f"{where}: {a} without a value in 'args'")
            out[a[2:]] = int(v) if a == "--year" else v
        else:
            raise ExpectationError(f"{where}: unsupported extract argument {a!r} in 'args'")
    return out


def score_document(exp: Expected, cat) -> DocScore:
    from extractors.extract import extract_path

    kw = _overrides(exp.args, exp.path)
    name = exp.path.name
    try:
        result = extract_path(exp.path, cat=cat, **kw).as_json()
    except Exception as err:  # an extractor crash is a scored failure, not the end of the evaluation
        return DocScore(
            name,
            exp.expect,
            "crashed",
            False,
            0,
            0,
            len(exp.observations),
            missed=list(exp.observations),
            classes=exp.classes,
            error=f"{type(err).__name__}: {err}",
        )
    status = result["document"]["status"]
    got = result["observations"]
    pairs, missed, extra = match(list(exp.observations), got)
    return DocScore(
        name,
        exp.expect,
        status,
        _status_ok(exp, status),
        len(pairs),
        len(got),
        len(exp.observations),
        missed,
        extra,
        lookalikes_taken(list(exp.must_not), got),
        _identity_errors(exp, result["document"]),
        exp.classes,
    )


@dataclass
class Totals:
    documents: int = 0
    matched: int = 0
    extracted: int = 0
    expected: int = 0
    statuses_right: int = 0
    lookalikes: int = 0
    identity_errors: int = 0

    def add(self, d: DocScore) -> None:
        self.documents += 1
        self.matched += d.matched
        self.extracted += d.extracted
        self.expected += d.expected
        self.statuses_right += d.status_ok
        self.lookalikes += len(d.lookalikes)
        self.identity_errors += bool(d.identity_errors)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            "expected": self.expected,
            "extracted": self.extracted,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "statuses_right": self.statuses_right,
            "lookalikes_taken": self.lookalikes,
            "identity_errors": self.identity_errors,
        }


@dataclass
class Evaluation:
    documents: list[DocScore]
    total: Totals
    by_class: dict[str, Totals]

    def as_dict(self) -> dict:
        return {
            "total": self.total.as_dict(),
            "by_class": {k: v.as_dict() for k, v in sorted(self.by_class.items())},
            "documents": [
                {
                    "doc": d.name,
                    "expect": d.expect,
                    "status": d.status,
                    "status_ok": d.status_ok,
                    "expected": d.expected,
                    "extracted": d.extracted,
                    "matched": d.matched,
                    "missed": d.missed,
                    "extra": d.extra,
                    "lookalikes_taken": d.lookalikes,
                    "identity_errors": d.identity_errors,
                    "classes": list(d.classes),
                    "error": d.error,
                }
                for d in self.documents
            ],
        }


def evaluate(folder: Path, cat=None, progress=None) -> Evaluation:
    """Extract every document that has an expected file in `folder` and score it."""
    from catalog import load_catalog

    cat = cat or load_catalog()
    files = expected_files(folder)
    if not files:
        raise ExpectationError(f"{folder}: no *.expected.json files")
    expectations = [load_expected(p) for p in files]  # every file is checked before any work starts
    docs: list[DocScore] = []
    total = Totals()
    by_class: dict[str, Totals] = defaultdict(Totals)
    for i, exp in enumerate(expectations, start=1):
        d = score_document(exp, cat)
        docs.append(d)
        total.add(d)
        for c in d.classes:
            by_class[c].add(d)
        if progress:
            progress(i, len(expectations), d)
    return Evaluation(docs, total, dict(by_class))
