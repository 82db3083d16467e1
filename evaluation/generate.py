"""Generate (or check) the synthetic evaluation corpus.

    python -m evaluation.generate OUT_DIR [--n 180] [--seed 2026]
    python -m evaluation.generate --check OUT_DIR

Each document NNN-<slug>.(html|txt|pdf) gets NNN-<slug>.expected.json. The expected observations are
recorded by the template engine while the text is composed (never parsed back from the output).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

from .engine import ALL_CLASSES, CLASS_RE, Doc, GenError
from .render import printed_surface, render_html, render_pdf, render_text, render_text_reprint
from .skeletons import compose
from .units import load_catalog_units, load_invented_units

KIND_SHARE = {"bulletin": 0.45, "work_report": 0.20, "news": 0.20}
REST_SHARE = [("census_bulletin", 0.30), ("listing", 0.22), ("captcha", 0.18), ("image_pdf", 0.12), ("notice", 0.18)]
FORMAT_SHARE = {"html": 0.5, "txt": 0.3, "pdf": 0.2}
COMPATIBLE = {  # optional classes a kind may exercise, with the chance to enable each
    "bulletin": {
        "A1": 0.3,
        "A2": 0.6,
        "A3": 0.15,
        "B8": 0.3,
        "B9": 0.4,
        "B10": 0.3,
        "B11": 0.35,
        "B12": 0.4,
        "B13": 0.2,
        "C14": 0.5,
        "C15": 0.5,
        "C16": 0.3,
        "C17": 0.85,
    },
    "work_report": {"A2": 0.5, "A3": 0.15, "B7": 0.8, "B11": 0.35, "B13": 0.45, "C14": 0.5, "C15": 0.5, "C17": 0.85},
    "news": {
        "A2": 0.6,
        "A3": 0.15,
        "B9": 0.45,
        "B11": 0.3,
        "B13": 0.2,
        "C14": 0.4,
        "C15": 0.45,
        "C16": 0.3,
        "C17": 0.85,
    },
    "census_bulletin": {"A2": 0.5, "A3": 0.2, "C17": 0.85},
}
NOTES = {
    "preliminary": "qualifier 'preliminary' only for figures in the sentence that says 初步核算/初步测算 "
    "(LABELLING.md).",
    "f:usd_cny": "a figure printed in US dollars with a RMB conversion is two rows; the growth stated after both "
    "belongs to the printed (first) currency: the conversion has none, since its growth in RMB terms may differ.",
    "fiscal_local_public": "地方公共财政收入 is labelled fiscal_revenue as the brief says (the catalog lists "
    "公共财政收入 as ambiguous).",
    "f:ytd_cumulative": "全年累计实现生产总值 is the year-to-date total of one year, labelled as the annual figure.",
    "f:threshold": "a threshold followed by the level (突破X，达到Y): Y is the observation, X is in must_not.",
    "A4": "work report: the data year is the year the review covers, not the delivery year in the title or "
    "speaker line.",
    "f:part_year": "part-year news: the period is the months stated; the year comes from the text or the dateline.",
    "f:census": "census counts (1 November) are never population_resident: all in must_not.",
}


def plan(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"plan-{seed}")
    counts = {k: round(n * v) for k, v in KIND_SHARE.items()}
    rest = n - sum(counts.values())
    rest_counts = {k: int(rest * v) for k, v in REST_SHARE}  # largest remainders fill the rest
    for k, _ in sorted(REST_SHARE, key=lambda kv: -(rest * kv[1] - int(rest * kv[1]))):
        if sum(rest_counts.values()) < rest:
            rest_counts[k] += 1
    kinds = [k for k, c in counts.items() for _ in range(c)] + [k for k, c in rest_counts.items() for _ in range(c)]
    rng.shuffle(kinds)
    fmt_total = {"html": round(n * FORMAT_SHARE["html"]), "pdf": round(n * FORMAT_SHARE["pdf"])}
    fmt_total["txt"] = n - fmt_total["html"] - fmt_total["pdf"]
    formats: list[str | None] = [None] * n
    for i, k in enumerate(kinds):
        if k == "image_pdf":
            formats[i] = "pdf"
        elif k in ("captcha", "listing"):
            formats[i] = "html" if rng.random() < 0.75 else "txt"
    left = {f: fmt_total[f] - sum(1 for x in formats if x == f) for f in fmt_total}
    free = [i for i in range(n) if formats[i] is None]
    rng.shuffle(free)
    pdf_ok = [i for i in free if kinds[i] in ("bulletin", "work_report", "news", "census_bulletin", "notice")]
    for i in pdf_ok[: max(0, left["pdf"])]:
        formats[i] = "pdf"
    free = [i for i in free if formats[i] is None]
    for j, i in enumerate(free):
        formats[i] = "html" if j < left["html"] else "txt"
    catalog = load_catalog_units()
    invented = load_invented_units()
    out = []
    for i in range(n):
        k = kinds[i]
        inv = rng.random() < 0.27
        pool = invented if inv else catalog
        unit = rng.choice(pool)
        if k == "bulletin":
            year = rng.randint(2012, 2023)
        elif k == "work_report":
            year = rng.randint(2013, 2023)
        elif k == "news":
            year = rng.randint(2014, 2024)
        elif k == "census_bulletin":
            year = 2020 if rng.random() < 0.8 else 2010
        elif k == "image_pdf":
            year = rng.randint(2014, 2022)
        else:
            year = None
        out.append({"idx": i + 1, "kind": k, "format": formats[i], "unit": unit, "year": year})
    return out


def choose_enabled(rng: random.Random, item: dict, used: Counter) -> set[str]:
    k = item["kind"]
    comp = dict(COMPATIBLE.get(k, {}))
    if item["format"] == "pdf":
        comp.pop("A2", None)
    else:
        comp.pop("C17", None)
    en = {c for c, p in comp.items() if rng.random() < p}
    if comp:
        least = min(comp, key=lambda c: (used[c], ALL_CLASSES.index(c)))
        en.add(least)
    if k == "work_report":
        en |= {"A4", "B7"}
    if k == "news":
        en.add("A5")
    if item["unit"] is not None and item["unit"].invented and k in COMPATIBLE:
        en.add("A6")
    return en


def slug_for(item: dict, doc: Doc) -> str:
    u, k, y = item["unit"], item["kind"], item["year"]
    base = u.slug if u else "page"
    if k == "captcha":
        return "captcha-page"
    if k in ("listing", "notice"):
        return f"{base}-{k}"
    if k == "image_pdf":
        return f"{base}-{y}-scan"
    if k == "news" and doc.meta.get("months"):
        return f"{base}-{y}-news-{doc.meta['months']:02d}m"
    return f"{base}-{y}-{k.replace('_', '-')}"


def build(item: dict, seed: int, used: Counter) -> tuple[Doc, bytes, str]:
    last: Exception | None = None
    for attempt in range(8):
        rng = random.Random(f"doc-{seed}-{item['idx']}-{attempt}")
        k = item["kind"]
        composer = {"image_pdf": "image_pdf"}.get(k, k)
        kind = k if k in ("bulletin", "work_report", "news", "census_bulletin") else None
        year = item["year"] if kind else None
        unit = item["unit"] if k != "captcha" else None
        doc = Doc(rng, item["idx"], kind, unit, year, item["format"])
        doc.meta["composer"] = composer
        doc.enabled = choose_enabled(rng, item, used)
        if k == "news" and rng.random() < 0.35:
            doc.meta["months"] = rng.choice([3, 6, 7, 9, 10, 11])
        if item["format"] == "html":
            doc.meta["encoding"] = rng.choices(["utf-8", "gbk", "gbk-undeclared", "gb2312-label"], [5, 2, 1.5, 1.5])[0]
        if item["format"] == "txt" and k == "work_report" and "C17" not in doc.enabled and rng.random() < 0.35:
            doc.meta["reprint_wrap"] = True
        if item["format"] == "txt" and k == "work_report" and not doc.meta.get("reprint_wrap") and rng.random() < 0.4:
            doc.meta["reflow"] = True
            doc.tags.add("f:reflow_spaces")
        if item["format"] == "txt" and k == "bulletin" and rng.random() < 0.1:
            doc.meta["one_line"] = True  # whole body on one line (scraped pages that lost their breaks)
        try:
            compose(doc)
            if doc.unit is not None and doc.unit.invented and kind:
                doc.tags.add("A6")
            if item["format"] == "html":
                data = render_html(doc)
            elif item["format"] == "txt":
                if doc.meta.get("reprint_wrap"):
                    doc.tags |= {"C17", "f:reprint_wrap"}
                    doc.enabled.add("C17")
                    data = render_text_reprint(doc)
                else:
                    data = render_text(doc)
                    if doc.meta.get("one_line"):
                        doc.tags.add("f:one_line")
            else:
                data = render_pdf(doc)
            return doc, data, slug_for(item, doc)
        except (GenError, UnicodeEncodeError) as e:
            last = e
            continue
    raise RuntimeError(f"document {item['idx']} could not be generated: {last}")


def expected(doc: Doc, fname: str) -> dict:
    u = doc.unit
    obs_doc = doc.expect == "observations"
    classes = sorted((t for t in doc.tags if CLASS_RE.match(t)), key=ALL_CLASSES.index)
    features = sorted(t[2:] for t in doc.tags if t.startswith("f:"))
    e: dict = {
        "doc": fname,
        "expect": doc.expect,
        "args": [],
        "classes": classes,
        "synthetic": True,
        "unit_name": (u.name_in(doc.year) if doc.year else u.name)
        if (u and doc.expect != "blocked" and doc.expect != "no_text")
        else None,
        "unit_code": u.code if (u and doc.expect not in ("blocked", "no_text")) else None,
        "data_year": doc.year if obs_doc else None,
        "kind": doc.kind if obs_doc else None,
    }
    if obs_doc and u is not None and u.invented:
        e["status"] = "partial"
    obs = list(doc.obs.values())
    e["observations"] = obs
    # a look-alike that happens to equal a real figure of the same indicator cannot be "must not"
    real = {(o["indicator"], o["value"]) for o in obs}
    keep = [i for i, m in enumerate(doc.must_not) if (m["indicator"], m["value"]) not in real]
    e["must_not"] = [doc.must_not[i] for i in keep]
    notes = []
    if any(o["qualifier"] == "preliminary" for o in obs):
        notes.append(NOTES["preliminary"])
    for key in ("f:usd_cny", "f:ytd_cumulative", "f:threshold", "A4", "f:part_year", "f:census"):
        if key in doc.tags:
            notes.append(NOTES[key])
    if doc.names.get("FRL") == "地方公共财政收入" and any(o["indicator"] == "fiscal_revenue" for o in obs):
        notes.append(NOTES["fiscal_local_public"])
    e["notes"] = " ".join(notes)
    e["format"] = doc.format
    e["encoding"] = doc.meta.get("encoding", "utf-8") if doc.format != "pdf" else None
    e["features"] = features
    e["printed"] = {
        "observations": [[printed_surface(doc, s) for s in doc.obs_printed[k]] for k in doc.obs],
        "must_not": [[printed_surface(doc, s) for s in doc.mn_printed[i]] for i in keep],
    }
    return e


def generate(out_dir: Path, n: int, seed: int) -> dict:
    t0 = time.time()
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.iterdir():
        if old.is_file() and old.name[:3].isdigit() and "-" in old.name:
            old.unlink()
    used: Counter = Counter()
    items = plan(n, seed)
    for item in items:
        doc, data, slug = build(item, seed, used)
        ext = {"html": "html", "txt": "txt", "pdf": "pdf"}[doc.format]
        fname = f"{item['idx']:03d}-{slug}.{ext}"
        (out_dir / fname).write_bytes(data)
        e = expected(doc, fname)
        (out_dir / f"{item['idx']:03d}-{slug}.expected.json").write_text(
            json.dumps(e, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        used.update(e["classes"])
    return {"documents": n, "seconds": round(time.time() - t0, 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m evaluation.generate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--n", type=int, default=180)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--check", action="store_true", help="verify an existing corpus instead of generating")
    a = ap.parse_args(argv)
    if a.check:
        from .check import check

        ok, report = check(a.out_dir)
        print(report)
        return 0 if ok else 1
    if a.n < 1:
        ap.error("--n must be positive")
    info = generate(a.out_dir, a.n, a.seed)
    print(f"wrote {info['documents']} documents to {a.out_dir} in {info['seconds']} s (seed {a.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
