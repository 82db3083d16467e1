"""The validation report: one self-contained HTML page (inline CSS, no CDN: it opens offline)."""

from __future__ import annotations

import html

import pandas as pd

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:2em;color:#222}
table{border-collapse:collapse;width:100%;font-size:0.9em}
th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top}
th{background:#f0f0f0;text-align:left}.fail-blocking{background:#fdd}.fail-warning{background:#fff4cc}
.pass{color:#2a7a2a}pre{margin:0;white-space:pre-wrap;font-size:0.85em}.summary span{margin-right:2em}
"""


def validation_html(validation: pd.DataFrame, title: str) -> str:
    """The validation table as an HTML page: failures first (blocking, then warnings), then passes."""
    v = validation.copy()
    order = {(False, "blocking"): 0, (False, "warning"): 1}
    v["_o"] = [order.get((bool(s), sev), 2) for s, sev in zip(v["success"], v["severity"], strict=True)]
    v = v.sort_values(["_o", "table_name", "check"], kind="stable")
    n_block = int(((~v["success"]) & (v["severity"] == "blocking")).sum())
    n_warn = int(((~v["success"]) & (v["severity"] == "warning")).sum())
    rows = []
    for r in v.to_dict("records"):
        cls = "pass" if r["success"] else f"fail-{r['severity']}"
        status = "passed" if r["success"] else "FAILED"
        failures = f"<pre>{html.escape(r['failures'])}</pre>" if r["failures"] else ""
        rows.append(
            f"<tr class='{cls}'><td>{html.escape(r['table_name'])}</td><td>{html.escape(r['check'])}</td>"
            f"<td>{r['severity']}</td><td>{status}</td><td>{html.escape(r['description'])}</td>"
            f"<td>{r['n_checked']}</td><td>{r['n_failed']}</td><td>{failures}</td></tr>")
    verdict = ("<b style='color:#a00'>blocked: the release was not published</b>" if n_block
               else "<b class='pass'>all blocking checks passed</b>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{_CSS}</style></head>
<body><h1>{html.escape(title)}</h1>
<p class="summary"><span>{len(v)} checks</span><span>{n_block} blocking failures</span>
<span>{n_warn} warnings</span><span>{verdict}</span></p>
<p>Blocking checks stop a release; warnings are recorded and the release goes on. Each failure names the
rows (unit, period, indicator, value, and where the figure came from: file line, page or table cell, and
the first 12 characters of the source's sha256, which the <code>sources</code> table resolves).</p>
<table><thead><tr><th>table</th><th>check</th><th>severity</th><th>result</th><th>what is checked</th>
<th>rows checked</th><th>rows failing</th><th>offending rows</th></tr></thead><tbody>
{''.join(rows)}
</tbody></table></body></html>
"""
