"""A deterministic SYNTHETIC corpus for the benchmarks: a catalog of N invented county-level units grouped
into zones of ten, and one bulletin per unit and year, HTML and PDF mixed, in the variety of the format
guide (site chrome, GBK without a declaration, year-first titles, full-width digits, Traditional
characters, tables with a 万元 caption, PDFs with a ruled table). Every name and figure is invented.

    python -m bench.corpus OUT --units 20 --years 5
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import shutil
from pathlib import Path

from catalog.loader import DATA_DIR
from extractors.archive import Archive

CHARS = ("嵩岚岫峪崇巍峨岷崂嶂泓沅沐沛洮涞淇渭湄溧漳潼澧濮瀚灞翠翎翔翕耒耘聃芮苍茗荀莒莘莱菏萍蓟蔚蕲薛藁衢谯豫"
         "贲赣跃迦邕邛郏郓郯鄄鄞酃钜锦闽阆陇隰雍霍靖韶颍饶骊鹤鹿黎")
FIRST_YEAR = 2012
PREAMBLE = ("全县上下坚持以新时代中国特色社会主义思想为指导，全面贯彻落实上级各项决策部署，坚持稳中求进工作总基调，"
            "统筹推进经济社会发展各项工作，经济运行总体平稳，民生保障持续改善，社会大局和谐稳定。")
CHROME = ('<div class="nav">首页 | 政务公开 | 统计信息 | 数据发布</div>'
          '<div class="crumb">当前位置：首页 > 统计信息</div>',
          '<div class="footer">版权所有 县人民政府 网站标识码 1234567890 ICP备12345678号 浏览次数：1024</div>')
FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def unit_names(n: int) -> list[str]:
    """n distinct four-character county names (three characters + 县), none inside another."""
    rng = random.Random(7)
    names: list[str] = []
    seen = set()
    while len(names) < n:
        name = "".join(rng.choice(CHARS) for _ in range(3)) + "县"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def write_catalog(out: Path, n_units: int) -> Path:
    """A catalog folder: the bundled vocabulary files, with synthetic units and zones of ten host units
    (every unit belongs to a zone, so every document is collected by a zone task)."""
    cat = out / "catalog"
    if cat.exists():
        shutil.rmtree(cat)
    shutil.copytree(DATA_DIR, cat, ignore=shutil.ignore_patterns("curated", "reference"))
    names = unit_names(n_units)
    codes = [f"9{i // 100:03d}{i % 100:02d}" for i in range(n_units)]  # 6 digits, never a real code
    with open(cat / "units.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["unit_code", "name_zh", "name_en", "level", "parent_code", "province", "note"])
        for code, name in zip(codes, names, strict=True):
            w.writerow([code, name, f"Synthetic county {code}", "county", "", "测试省", "SYNTHETIC"])
    with open(cat / "unit_names.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["unit_code", "name", "kind", "code_then", "valid_from", "valid_to", "note"])
        for code, name in zip(codes, names, strict=True):
            w.writerow([code, name, "official", "", "", "", "SYNTHETIC"])
    with open(cat / "zones.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["zone_id", "name_zh", "name_en", "established", "province", "neighbours", "host_units",
                    "paper_units", "zone_scope_unit", "note"])
        for z in range(0, n_units, 10):
            members = codes[z:z + 10]
            w.writerow([f"z{z // 10:04d}", f"测试区{z // 10}", f"Synthetic zone {z // 10}", FIRST_YEAR + (z // 10) % 5,
                        "测试省", "Nowhere", ";".join(members), "", "", "SYNTHETIC"])
    return cat


def figures(rng: random.Random, year: int) -> dict[str, float]:
    gdp = round(rng.uniform(30, 400) * (1.06 ** (year - FIRST_YEAR)), 2)
    p = round(gdp * rng.uniform(0.08, 0.3), 2)
    s = round(gdp * rng.uniform(0.2, 0.45), 2)
    t = round(gdp - p - s, 2)
    return {"gdp": gdp, "p": p, "s": s, "t": t, "g": round(rng.uniform(-3, 10), 1),
            "trade": round(rng.uniform(1, 300), 2), "exp": round(rng.uniform(0.5, 150), 2),
            "rev_wan": round(rng.uniform(20_000, 300_000)), "spend": round(rng.uniform(15, 90), 2),
            "pop": round(rng.uniform(5, 80), 2), "retail": round(gdp * rng.uniform(0.2, 0.5), 2),
            "urban": round(rng.uniform(25_000, 45_000)), "rural": round(rng.uniform(10_000, 20_000))}


def _sentences(name: str, year: int, f: dict, fullwidth: bool) -> list[str]:
    gdp = f"{f['gdp']}"
    if fullwidth:
        gdp = gdp.translate(FULLWIDTH)
    return [
        PREAMBLE,
        "一、综合",
        f"初步核算，全年全县实现地区生产总值{gdp}亿元，按可比价格计算，比上年增长{f['g']}%。其中，第一产业增加值"
        f"{f['p']}亿元；第二产业增加值{f['s']}亿元；第三产业增加值{f['t']}亿元。",
        "二、对外经济",
        f"全年外贸进出口总额{f['trade']}亿元，其中出口{f['exp']}亿元。",
        "三、财政",
        f"全年一般公共预算支出{f['spend']}亿元，比上年增长{round(f['g'] / 2, 1)}%。",
        "四、人口和人民生活",
        f"年末全县常住人口{f['pop']}万人。全年社会消费品零售总额{f['retail']}亿元。",
        f"全体居民中，城镇常住居民人均可支配收入{f['urban']}元，农村常住居民人均可支配收入{f['rural']}元。",
        PREAMBLE,
    ]


def html_bulletin(name: str, year: int, f: dict, variant: int) -> bytes:
    title = (f"{year}年{name}国民经济和社会发展统计公报" if variant % 4 == 1  # year first
             else f"{name}{year}年国民经济和社会发展统计公报")
    body = "".join(f"<p>{s}</p>" for s in _sentences(name, year, f, fullwidth=variant % 5 == 2))
    table = (f"<p>表1 财政收入 单位：万元</p><table><tr><td>指标</td><td>绝对数</td></tr>"
             f"<tr><td>一般公共预算收入</td><td>{f['rev_wan']}</td></tr></table>")
    meta = '<meta charset="utf-8">' if variant % 3 else ""  # GBK pages declare nothing
    page = (f"<html><head>{meta}<title>{title}</title></head><body>"
            f"{CHROME[0]}<h1>{title}</h1><p class=\"source\">{name}统计局　{year + 1}年4月{1 + variant % 27}日</p>"
            f"{body}{table}{CHROME[1]}</body></html>")
    if variant % 7 == 3:  # Traditional characters, as some reposts have them
        import opencc

        page = opencc.OpenCC("s2t").convert(page)
    return page.encode("gbk" if variant % 3 == 0 else "utf-8")


def pdf_bulletin(name: str, year: int, f: dict) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    lines = [f"{name}{year}年国民经济和社会发展统计公报", f"{name}统计局", f"{year + 1}年4月20日"]
    for s in _sentences(name, year, f, fullwidth=False):
        lines += [s[i:i + 38] for i in range(0, len(s), 38)]
    y = 800
    for ln in lines:
        if y < 80:
            c.showPage()
            y = 800
        c.setFont("STSong-Light", 10)
        c.drawString(40, y, ln)
        y -= 18
    c.showPage()
    c.setFont("STSong-Light", 10)  # page with a ruled table: caption above, unit in the caption
    c.drawString(40, 800, "表1 财政收入 单位：万元")
    rows = [("指标", "绝对数"), ("一般公共预算收入", str(f["rev_wan"]))]
    for i, (a, b) in enumerate(rows):
        top = 780 - i * 20
        c.rect(40, top - 20, 160, 20)
        c.rect(200, top - 20, 100, 20)
        c.drawString(44, top - 14, a)
        c.drawString(204, top - 14, b)
    c.showPage()
    c.save()
    return buf.getvalue()


def build(out: Path, n_units: int, n_years: int, pdf_share: float = 0.2, progress=None) -> dict:
    """Write catalog/ and archive/ under `out`; returns counts."""
    out.mkdir(parents=True, exist_ok=True)
    cat_dir = write_catalog(out, n_units)
    archive = Archive(out / "archive")
    names = unit_names(n_units)
    codes = [f"9{i // 100:03d}{i % 100:02d}" for i in range(n_units)]
    n_pdf = n_html = 0
    for i, (code, name) in enumerate(zip(codes, names, strict=True)):
        for year in range(FIRST_YEAR, FIRST_YEAR + n_years):
            rng = random.Random(f"{code}-{year}")
            f = figures(rng, year)
            if rng.random() < pdf_share:
                data, n_pdf = pdf_bulletin(name, year, f), n_pdf + 1
            else:
                data, n_html = html_bulletin(name, year, f, rng.randrange(1000)), n_html + 1
            archive.put(data, origin=f"synthetic://{code}/{year}", origin_kind="file",
                        meta={"unit_code": code, "data_year": year})
        if progress and i % 100 == 0:
            progress(i, n_units)
    return {"catalog": str(cat_dir), "archive": str(out / "archive"), "units": n_units, "years": n_years,
            "html": n_html, "pdf": n_pdf}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--units", type=int, default=20)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--pdf-share", type=float, default=0.2)
    a = ap.parse_args()
    print(build(a.out, a.units, a.years, a.pdf_share, lambda i, n: print(f"{i}/{n} units", flush=True)))


if __name__ == "__main__":
    main()
