"""Reports: a self-contained HTML page (plot, acquisition, results, provenance) and a PNG.

Technique-neutral: the plot and result tables come from the technique plugin's optional
``report_figure(m, analysis=None)`` and ``report_tables(m, analysis=None)``, with a
generic plot and generic tables when a technique has none::

    from instrumentarium import reports
    html, png = reports.write_report(reports.load_for_report("spectrum.nxs"), "spectrum.html")
"""

from ._figure import figure_png, generic_figure, peak_positions, report_figure
from ._html import Table, load_for_report, render_html, report_tables, write_report

__all__ = [
    "Table",
    "figure_png",
    "generic_figure",
    "load_for_report",
    "peak_positions",
    "render_html",
    "report_figure",
    "report_tables",
    "write_report",
]
