"""The generic HTML report: one self-contained file (the plot embedded as PNG).

Sections: summary (technique, source files and sha256, reader), the plot, acquisition,
results (the technique's ``report_tables`` when it has them, else tables built from the
typed results), provenance (every processing step with its parameters and automatic
decisions), warnings. Nothing is fetched from the network when the file is opened.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._version import __version__
from ..model import FormatError, Measurement, to_plain
from ..plugins import techniques
from ._figure import figure_png, report_figure

__all__ = ["Table", "report_tables", "render_html", "write_report", "load_for_report"]

Table = tuple[str, Sequence[str], Sequence[Sequence[Any]]]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:62em;
color:#222;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.85em;word-break:break-all}img{max-width:100%}.warn{color:#a40}
.meta{color:#666;font-size:.9em}
"""


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False, default=str)
    return str(v)


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = []
    for r in rows:
        cells = []
        for v in r:
            cls = ' class="num"' if isinstance(v, int | float) and not isinstance(v, bool) else ""
            cells.append(f"<td{cls}>{html.escape(_fmt(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    caption = f"<h3>{html.escape(title)}</h3>" if title else ""
    return f"{caption}<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _record_tables(name: str, value: Any) -> list[Table]:
    """Tables for one named result: a list of records is one table, a record's lists too."""
    plain = to_plain(value)
    if isinstance(plain, list) and plain and all(isinstance(r, dict) for r in plain):
        headers = list(plain[0])
        return [(name, headers, [[r.get(h) for h in headers] for r in plain])]
    if isinstance(plain, dict):
        tables: list[Table] = []
        scalars = [[k, v] for k, v in plain.items() if not isinstance(v, list | dict) and v not in (None, "")]
        if scalars:
            tables.append((name, ["quantity", "value"], scalars))
        for k, v in plain.items():
            if isinstance(v, list) and v and all(isinstance(r, dict) for r in v):
                headers = list(v[0])
                tables.append((f"{name}: {k}", headers, [[r.get(h) for h in headers] for r in v]))
        return tables
    return [(name, ["value"], [[plain]])]


def report_tables(m: Measurement, analysis: Any = None) -> list[Table]:
    """The technique plugin's ``report_tables`` when it has them, else generic result tables."""
    plugin = techniques().get(m.technique)
    make = getattr(plugin, "report_tables", None)
    if make is not None:
        tables = make(m, analysis=analysis)
        if tables:
            return list(tables)
    results = dict(m.results)
    if analysis is not None and "analysis" not in results:
        results["analysis"] = analysis
    out: list[Table] = []
    for name, value in results.items():
        out.extend(_record_tables(name, value))
    return out


def _title(m: Measurement) -> str:
    name = getattr(m.acquisition, "title", None) or m.sample.name
    if name:
        return str(name)
    return Path(m.source.paths[0]).name if m.source.paths else m.technique


def render_html(m: Measurement, *, analysis: Any = None, png: bytes | None = None,
                png_name: str | None = None) -> str:
    """The report as one HTML document (the PNG embedded as a data URI)."""
    if png is None:
        png = figure_png(report_figure(m, analysis))
    title = _title(m)
    acq = [[k, v] for k, v in to_plain(m.acquisition).items() if v not in (None, [], "")]
    source_rows = [[p, s] for p, s in zip(m.source.paths, m.source.sha256)]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(str(title))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(str(title))}</h1>",
        f"<p class='meta'>{html.escape(m.technique)} · read by {html.escape(str(m.source.reader))} "
        f"{html.escape(str(m.source.reader_version or ''))} · signal {list(m.shape)} · report by "
        f"instrumentarium {__version__}, {_dt.datetime.now(_dt.UTC):%Y-%m-%d %H:%M} UTC</p>",
        "<h2>Plot</h2>",
        f"<img alt='plot of the measurement' src='data:image/png;base64,{base64.b64encode(png).decode()}'>",
    ]
    if png_name:
        parts.append(f"<p class='meta'>Also saved as <code>{html.escape(png_name)}</code>.</p>")
    parts.append("<h2>Acquisition</h2>" + _table("", ["parameter", "value"], acq))
    sample = [[k, v] for k, v in to_plain(m.sample).items() if v not in (None, [], "")]
    inst = [[k, v] for k, v in to_plain(m.instrument).items() if v not in (None, [], "")]
    if sample or inst:
        parts.append("<h2>Sample and instrument</h2>" + _table("", ["field", "value"],
                                                                [[f"sample {k}", v] for k, v in sample]
                                                                + [[f"instrument {k}", v] for k, v in inst]))
    tables = report_tables(m, analysis)
    parts.append("<h2>Results</h2>")
    parts.extend(_table(t, h, r) for t, h, r in tables)
    if not tables:
        parts.append("<p>No analysis results.</p>")
    prov = [[i + 1, p.step, to_plain(dict(p.parameters)), to_plain(dict(p.decisions)), p.software]
            for i, p in enumerate(m.provenance)]
    prov_headers = ["#", "step", "parameters", "decisions", "software"]
    parts.append("<h2>Provenance</h2>" + (_table("", prov_headers, prov) if prov
                                         else "<p>Raw data: no processing applied.</p>"))
    parts.append("<h2>Source</h2>" + _table("", ["file", "sha256"], source_rows))
    if m.warnings:
        parts.append("<h2>Warnings</h2><ul>" + "".join(
            f"<li class='warn'>{html.escape(w)}</li>" for w in m.warnings) + "</ul>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_report(m: Measurement, path: str | os.PathLike[str], *, analysis: Any = None) -> tuple[Path, Path]:
    """Write ``FILE.html`` and ``FILE.png`` (the plot); return both paths."""
    html_path = Path(path)
    if html_path.suffix.lower() not in (".html", ".htm"):
        html_path = html_path.with_suffix(".html")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    png_path = html_path.with_suffix(".png")
    png = figure_png(report_figure(m, analysis))
    _atomic_write(png_path, png)
    page = render_html(m, analysis=analysis, png=png, png_name=png_path.name)
    _atomic_write(html_path, page.encode("utf-8"))
    return html_path, png_path


def load_for_report(path: str | os.PathLike[str]) -> Measurement:
    """A processed measurement for a report: a ``.nxs`` as stored, or raw data processed now.

    Raw data is read, processed with the automatic recipe and analysed when its technique
    can; the analysis is added to the results as ``analysis``.
    """
    from ..formats import load, read
    from ..pipeline import analyze, process

    p = Path(path)
    if p.is_file() and p.suffix.lower() in (".nxs", ".nx5", ".h5"):
        try:
            return load(p)
        except FormatError:
            pass  # an HDF5 file of another kind: let the readers try
    m = process(read(p))
    try:
        result = analyze(m)
    except NotImplementedError:
        return m
    if isinstance(result, Measurement):
        return result
    return m if result is None else m.with_results(analysis=result)
