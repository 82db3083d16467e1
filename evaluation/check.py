"""Self-check of a generated corpus (python -m evaluation.generate --check OUT_DIR).

For every *.expected.json: the JSON has the agreed format; the document exists and says it is
SYNTHETIC; every planted figure's printed form occurs in the document's text (HTML and text are decoded
here, PDFs through pdfplumber's extract_text, whitespace and line breaks ignored); a no_text PDF has no
text. Prints counts per class, format, kind and expectation.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

from .engine import ALL_CLASSES
from .numbers import CANONICAL_UNITS

INDICATORS = {
    "gdp",
    "va_primary",
    "va_secondary",
    "va_tertiary",
    "va_industry",
    "gdp_per_capita",
    "structure_primary",
    "structure_secondary",
    "structure_tertiary",
    "trade_total",
    "exports",
    "imports",
    "border_mutual_trade",
    "customs_district_trade",
    "port_trade_value",
    "port_cargo",
    "fiscal_revenue",
    "fiscal_revenue_total",
    "fiscal_expenditure",
    "population_resident",
    "population_registered",
    "retail_sales",
    "fai",
    "urban_income",
    "rural_income",
}
EXPECTS = {"observations", "no_text", "blocked", "not_a_bulletin"}
KINDS = {"bulletin", "work_report", "news", "census_bulletin"}
QUALIFIERS = {None, "estimate", "preliminary", "approximate", "lower_bound"}
PERIOD_RE = re.compile(r"^\d{4}(-\d{2}/\d{4}-\d{2})?$|^\d{4}/\d{4}$")
OBS_KEYS = ["indicator", "period", "value", "unit", "growth_pct", "qualifier"]
TOP_KEYS = ["doc", "expect", "args", "classes", "synthetic", "unit_name", "unit_code", "data_year", "kind"]
META_RE = re.compile(rb"charset=[\"']?([A-Za-z0-9_-]+)", re.I)
WS_RE = re.compile(r"\s+")


def decode(data: bytes) -> str:
    """Decode as the extractor would have to: BOM, meta charset, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    m = META_RE.search(data[:2048])
    if m:
        cs = m.group(1).decode().lower()
        if cs in ("gbk", "gb2312", "gb18030"):
            return data.decode("gb18030")
        try:
            return data.decode(cs)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def html_text(s: str) -> str:
    s = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", s)
    s = re.sub(r"(?s)<!--.*?-->", " ", s)
    s = re.sub(r"<[^>]+>", " ", s)
    return html.unescape(s)


def pdf_text(path: Path) -> tuple[str, dict]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages), dict(pdf.metadata or {})


def _num(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def validate(e: dict, problems: list[str], name: str) -> None:
    def bad(msg):
        problems.append(f"{name}: {msg}")

    for k in [*TOP_KEYS, "observations", "must_not"]:
        if k not in e:
            bad(f"missing key {k}")
    if problems and problems[-1].startswith(name):
        return
    if e["expect"] not in EXPECTS:
        bad(f"expect {e['expect']!r}")
    if e["args"] != [] and not isinstance(e["args"], list):
        bad("args")
    if not isinstance(e["classes"], list) or any(c not in ALL_CLASSES for c in e["classes"]):
        bad(f"classes {e['classes']}")
    if e["synthetic"] is not True:
        bad("synthetic must be true")
    if e["unit_name"] is not None and not isinstance(e["unit_name"], str):
        bad("unit_name")
    if e["unit_code"] is not None and not (isinstance(e["unit_code"], str) and e["unit_code"].isdigit()):
        bad("unit_code")
    if e["expect"] == "observations":
        if not isinstance(e["data_year"], int) or e["kind"] not in KINDS or not e["unit_name"]:
            bad("an observations document needs unit_name, data_year and kind")
        if e["unit_code"] is None and e.get("status") != "partial":
            bad("a unit outside the catalog needs status partial")
    elif e["observations"]:
        bad("observations in a document that should yield none")
    if "status" in e and e["status"] != "partial":
        bad("status")
    if e.get("status") == "partial" and e["unit_code"] is not None:
        bad("status partial with a catalog unit")
    seen = set()
    for o in e["observations"]:
        if list(o) != OBS_KEYS:
            bad(f"observation keys {list(o)}")
            continue
        if o["indicator"] not in INDICATORS:
            bad(f"indicator {o['indicator']}")
        if not PERIOD_RE.match(o["period"]):
            bad(f"period {o['period']}")
        if (o["value"] is None) != (o["unit"] is None):
            bad(f"value and unit must both be null or both set: {o}")
        if o["value"] is not None and (not _num(o["value"]) or o["unit"] not in CANONICAL_UNITS):
            bad(f"value/unit {o}")
        if o["growth_pct"] is not None and not _num(o["growth_pct"]):
            bad(f"growth {o}")
        if o["value"] is None and o["growth_pct"] is None:
            bad(f"observation without value or growth {o}")
        if o["qualifier"] not in QUALIFIERS:
            bad(f"qualifier {o}")
        if o["value"] is not None and float(f"{o['value']:.10g}") != o["value"]:
            bad(f"value not rounded to 10 significant digits {o}")
        key = (o["indicator"], o["period"], o["unit"])
        if o["value"] is not None and key in seen:
            bad(f"duplicate observation {key}")
        seen.add(key)
    for m in e["must_not"]:
        if (
            set(m) != {"indicator", "value", "why"}
            or m["indicator"] not in INDICATORS
            or not _num(m["value"])
            or not m["why"]
        ):
            bad(f"must_not {m}")
        for o in e["observations"]:
            if o["indicator"] == m["indicator"] and o["value"] == m["value"]:
                bad(f"must_not value equals an observation {m}")


def check(out_dir: Path) -> tuple[bool, str]:
    problems: list[str] = []
    per_class: Counter = Counter()
    per_class_fmt: dict[str, Counter] = {}
    per_fmt: Counter = Counter()
    per_kind: Counter = Counter()
    per_expect: Counter = Counter()
    per_feature: Counter = Counter()
    n_obs = n_mn = n_printed = 0
    files = sorted(out_dir.glob("*.expected.json"))
    if not files:
        return False, f"no expected files in {out_dir}"
    for ef in files:
        name = ef.name
        try:
            e = json.loads(ef.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as ex:
            problems.append(f"{name}: invalid JSON ({ex})")
            continue
        validate(e, problems, name)
        doc_path = out_dir / e.get("doc", "")
        if not doc_path.is_file():
            problems.append(f"{name}: document {e.get('doc')} missing")
            continue
        fmt = doc_path.suffix[1:]
        per_fmt[fmt] += 1
        per_kind[e.get("kind") or "-"] += 1
        per_expect[e.get("expect")] += 1
        for c in e.get("classes", []):
            per_class[c] += 1
            per_class_fmt.setdefault(c, Counter())[fmt] += 1
        per_feature.update(e.get("features", []))
        data = doc_path.read_bytes()
        if fmt == "pdf":
            text, meta = pdf_text(doc_path)
            if "SYNTHETIC" not in " ".join(str(v) for v in meta.values()):
                problems.append(f"{name}: no SYNTHETIC in the PDF metadata")
            if e["expect"] == "no_text" and text.strip():
                problems.append(f"{name}: a no_text PDF has text")
        else:
            raw = decode(data)
            if "SYNTHETIC" not in raw:
                problems.append(f"{name}: no SYNTHETIC marker")
            elif fmt == "txt":
                lines = [x for x in raw.splitlines() if x.strip()]
                if "SYNTHETIC" in lines[0] or "SYNTHETIC" not in lines[-1]:
                    problems.append(f"{name}: the SYNTHETIC line must be the last line, not the first")
            text = html_text(raw) if fmt == "html" else raw
        flat = WS_RE.sub("", text)
        flat_s = None
        printed = e.get("printed", {})
        pairs = list(zip(e["observations"], printed.get("observations", []), strict=False)) + list(
            zip(e["must_not"], printed.get("must_not", []), strict=False)
        )
        if len(printed.get("observations", [])) != len(e["observations"]) or len(printed.get("must_not", [])) != len(
            e["must_not"]
        ):
            problems.append(f"{name}: printed forms do not line up with the figures")
        for rec, forms in pairs:
            if not forms:
                problems.append(f"{name}: no printed form for {rec}")
            for f in forms:
                n_printed += 1
                ff = WS_RE.sub("", f)
                if ff in flat:
                    continue
                if flat_s is None:
                    from .render import t2s

                    flat_s = t2s(flat)
                if WS_RE.sub("", _t2s(ff)) in flat_s:
                    continue
                problems.append(f"{name}: printed form {f!r} of {rec.get('indicator')} not found")
        n_obs += len(e["observations"])
        n_mn += len(e["must_not"])
    lines = [
        f"checked {len(files)} documents in {out_dir}: {n_obs} observations, {n_mn} must_not, "
        f"{n_printed} printed forms located",
        "formats: " + ", ".join(f"{k} {v}" for k, v in sorted(per_fmt.items())),
        "kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(per_kind.items())),
        "expect: " + ", ".join(f"{k} {v}" for k, v in sorted(per_expect.items())),
        "documents per class (html/txt/pdf):",
    ]
    for c in ALL_CLASSES:
        f = per_class_fmt.get(c, Counter())
        lines.append(f"  {c:>4} {per_class[c]:4d}   ({f['html']}/{f['txt']}/{f['pdf']})")
    missing = [c for c in ALL_CLASSES if per_class[c] < 3]
    if missing and len(files) >= 100:
        problems.append(f"classes exercised by fewer than 3 documents: {missing}")
    elif missing:
        lines.append(f"note: a small corpus; classes exercised by fewer than 3 documents: {missing}")
    lines.append("features: " + ", ".join(f"{k} {v}" for k, v in sorted(per_feature.items())))
    if problems:
        lines.append(f"PROBLEMS ({len(problems)}):")
        lines += ["  " + p for p in problems[:200]]
    else:
        lines.append("OK: no problems")
    return not problems, "\n".join(lines)


def _t2s(s: str) -> str:
    from .render import t2s

    return t2s(s)
