// The measurement page: an interactive Plotly chart fed by /api/measurements/{id}/plot,
// and the manual corrections, which POST to the API and open the new run.
"use strict";
(function () {
  const el = document.getElementById("plot");
  if (!el) return;
  const mid = el.dataset.mid, run = el.dataset.run, technique = el.dataset.technique;
  const unit = el.dataset.unit, axisName = el.dataset.axis;
  const wavelength = parseFloat(el.dataset.wavelength);
  const base = `/api/measurements/${mid}`;
  const status = document.getElementById("tool-status");
  let current = null;

  function axisTitle() {
    if (unit === "ppm") return "δ / ppm";
    if (axisName === "two_theta") return "2θ / °";
    return `${axisName} / ${unit}`;
  }

  function traces(d) {
    const t = [{x: d.x, y: d.y, type: "scattergl", mode: "lines", name: "signal",
                line: {width: 1, color: "#1f4e79"}, hoverinfo: "x+y"}];
    if (d.peaks.length) {
      // labels on the plot while they stay readable; always in the hover
      t.push({x: d.peaks.map(p => p.x), y: d.peaks.map(p => p.y), type: "scatter",
              mode: d.peaks.length <= 25 ? "markers+text" : "markers",
              text: d.peaks.map(p => p.label), textposition: "top center", name: "peaks",
              marker: {color: "#c0392b", size: 6, symbol: "triangle-down"}, hoverinfo: "x+text"});
    }
    const ymax = Math.max(...d.y.filter(v => v !== null));
    const colors = ["#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d"];
    d.sticks.filter(s => !s.rejected).forEach((s, i) => {
      const smax = Math.max(...s.y);
      const xs = [], ys = [];
      s.x.forEach((x, j) => { xs.push(x, x, null); ys.push(0, -0.15 * ymax * s.y[j] / smax, null); });
      t.push({x: xs, y: ys, type: "scatter", mode: "lines", name: s.name,
              line: {color: colors[i % colors.length], width: 2}, hoverinfo: "x+name"});
    });
    return t;
  }

  function layout(d) {
    const shapes = [], annotations = [];
    d.integrals.forEach(r => {
      const multiplet = r.kind === "multiplet";
      shapes.push({type: "rect", xref: "x", yref: "paper", x0: r.start, x1: r.end,
                   y0: multiplet ? 0 : 0.02, y1: multiplet ? 0.04 : 1,
                   fillcolor: multiplet ? "rgba(142,68,173,0.45)" : "rgba(39,174,96,0.12)", line: {width: 0}});
      if (r.label) annotations.push({x: (r.start + r.end) / 2, y: multiplet ? 0.05 : 1, xref: "x", yref: "paper",
                                     text: r.label, showarrow: false, yanchor: "bottom",
                                     font: {size: multiplet ? 9 : 11, color: multiplet ? "#8e44ad" : "#1e8449"}});
    });
    return {
      margin: {l: 60, r: 20, t: 30, b: 50}, hovermode: "x", dragmode: "zoom", showlegend: true,
      legend: {orientation: "h", y: 1.08},
      xaxis: {title: {text: axisTitle()}, autorange: d.axis.reversed ? "reversed" : true,
              showspikes: true, spikemode: "across", spikesnap: "cursor", spikethickness: 1},
      yaxis: {title: {text: d.signal_unit}, showspikes: true, spikemode: "across", spikethickness: 1},
      shapes: shapes, annotations: annotations,
    };
  }

  function axisLabel(a, which) {
    if (a.unit === "ppm") return `δ${which} / ppm`;
    return a.unit ? `${a.name} / ${a.unit}` : a.name;
  }

  // 2-D: geometric contour levels drawn on log-scaled copies of the matrix (Plotly's contour
  // levels are evenly spaced: evenly spaced in log|z| are geometric in z), positive in blue,
  // negative (phase-sensitive, edited) in red.
  function contourTraces(d) {
    const lv = d.levels, t = [];
    // below the lowest level: a constant under it (nulls leave holes Plotly's contouring trips on)
    const k = d.z_scale / lv.base;
    const scaled = sign => d.z.map(row => row.map(v => (sign * v * k >= 1 ? Math.log(sign * v * k) : -1)));
    const step = Math.log(lv.factor > 1 ? lv.factor : 2);
    [[1, lv.positive, "#1f4e79", "positive"], [-1, lv.negative, "#c0392b", "negative"]].forEach(
      ([sign, levels, color, name]) => {
        if (!levels.length) return;
        t.push({type: "contour", x: d.x, y: d.y, z: scaled(sign), name: name, showscale: false,
                contours: {coloring: "lines", start: 0, end: step * (levels.length - 1) + 1e-9, size: step},
                line: {width: 1}, colorscale: [[0, color], [1, color]],
                hovertemplate: "%{x:.4f}, %{y:.4f}<extra>" + name + "</extra>"});
      });
    return t;
  }

  function stackedTraces(d) {
    const tops = d.rows.map(r => Math.max(...r.y.filter(v => v !== null).map(Math.abs), 0));
    const gap = 1.1 * Math.max(...tops, 1e-30);
    return d.rows.map((r, i) => ({x: r.x, y: r.y.map(v => (v === null ? null : v + i * gap)),
                                  type: "scattergl", mode: "lines", name: r.label, line: {width: 1},
                                  hovertemplate: "%{x:.4f}<extra>" + r.label + "</extra>"}));
  }

  function layout2d(d) {
    const lay = {margin: {l: 70, r: 20, t: 30, b: 50}, dragmode: "zoom", hovermode: "closest",
                 showlegend: d.kind === "stacked", legend: {orientation: "h", y: 1.08},
                 xaxis: {title: {text: axisLabel(d.axis, d.axis_f1.unit === "ppm" ? "2" : "")},
                         autorange: d.axis.reversed ? "reversed" : true,
                         showspikes: true, spikemode: "across", spikethickness: 1}};
    if (d.kind === "contour") {
      lay.yaxis = {title: {text: axisLabel(d.axis_f1, "1")}, autorange: d.axis_f1.reversed ? "reversed" : true,
                   showspikes: true, spikemode: "across", spikethickness: 1};
    } else {
      lay.yaxis = {title: {text: `${d.signal_unit} (rows offset)`}, showticklabels: false};
    }
    return lay;
  }

  function draw(d) {
    current = d;
    if (d.kind === "contour" || d.kind === "stacked") {
      el.dataset.kind = d.kind;
      return Plotly.react(el, d.kind === "contour" ? contourTraces(d) : stackedTraces(d), layout2d(d),
                          {responsive: true, scrollZoom: true, displaylogo: false});
    }
    const keep = el.layout && el.layout.xaxis && !el.layout.xaxis.autorange ? el.layout.xaxis.range : null;
    const lay = layout(d);
    if (keep) { lay.xaxis.range = keep; lay.xaxis.autorange = false; }
    return Plotly.react(el, traces(d), lay, {responsive: true, scrollZoom: true, displaylogo: false});
  }

  const readout = document.getElementById("readout");
  function onHover(ev) {
    const p = ev.points[0];
    if (current && current.kind === "contour") {
      const f1 = current.axis_f1, f2 = current.axis;
      readout.textContent = `${axisLabel(f2, "2").split(" /")[0]} = ${p.x.toFixed(4)} ${f2.unit}, ` +
        `${axisLabel(f1, "1").split(" /")[0]} = ${p.y.toFixed(4)} ${f1.unit}`;
      return;
    }
    if (current && current.kind === "stacked") {
      readout.textContent = `${axisTitle().split(" /")[0]} = ${p.x.toFixed(4)} ${unit} (${p.data.name})`;
      return;
    }
    let text = unit === "ppm" ? `δ = ${p.x.toFixed(4)} ppm` : `${axisTitle().split(" /")[0]} = ${p.x.toFixed(4)} ${unit}`;
    if (axisName === "two_theta" && wavelength > 0) {
      const d = wavelength / (2 * Math.sin(p.x * Math.PI / 360));
      text += `, d = ${d.toFixed(4)} Å`;
    }
    readout.textContent = `${text}, I = ${Number(p.y).toPrecision(5)}`;
  }

  fetch(`${base}/plot?run=${run}`).then(r => r.json()).then(d => draw(d)).then(() => {
    el.on("plotly_hover", onHover);
    el.dataset.ready = "1";
  });

  function zoomRange() {
    const r = el.layout.xaxis.range;
    if (!r) return null;
    return [Math.max(r[0], r[1]), Math.min(r[0], r[1])];
  }
  document.querySelectorAll(".add-zoom").forEach(b => b.addEventListener("click", () => {
    const r = zoomRange(), input = document.getElementById(b.dataset.target);
    if (!r) return;
    const txt = `${r[0].toFixed(3)}-${r[1].toFixed(3)}`.replace("--", "- -");
    input.value = input.value ? `${input.value}; ${txt}` : txt;
  }));

  function parseRanges(text) {
    return text.split(";").map(s => s.trim()).filter(Boolean).map(s => {
      const m = s.match(/^(-?[\d.]+)\s*(?:-|to|,)\s*(-?[\d.]+)$/);
      if (!m) throw new Error(`cannot read the range "${s}": write it as 4.2-4.0`);
      return [parseFloat(m[1]), parseFloat(m[2])];
    });
  }

  async function save(kind, body) {
    status.textContent = "saving…";
    try {
      const r = await fetch(`${base}/corrections/${kind}`, {method: "POST",
        headers: {"Content-Type": "application/json"}, body: JSON.stringify({run: Number(run), ...body})});
      const out = await r.json();
      if (!r.ok) { status.textContent = `error: ${out.detail}`; status.className = "error"; return; }
      status.textContent = `saved run ${out.run}`;
      window.location = `/measurements/${mid}?run=${out.run}`;
    } catch (e) { status.textContent = `error: ${e.message}`; status.className = "error"; }
  }

  if (technique === "nmr" && document.getElementById("p0")) {
    const p0 = document.getElementById("p0"), p1 = document.getElementById("p1");
    const pivot = document.getElementById("pivot");
    let pending = null, inflight = false;
    function preview() {
      document.getElementById("p0-out").textContent = p0.value;
      document.getElementById("p1-out").textContent = p1.value;
      if (inflight) { pending = true; return; }
      inflight = true;
      const q = new URLSearchParams({p0_deg: p0.value, p1_deg: p1.value, run: run});
      if (pivot.value) q.set("pivot_ppm", pivot.value);
      fetch(`${base}/preview/phase?${q}`).then(r => r.json()).then(d => { if (d.x) draw(d); })
        .finally(() => { inflight = false; el.dataset.previewed = `${p0.value},${p1.value}`;
                          if (pending) { pending = false; preview(); } });
    }
    [p0, p1].forEach(i => i.addEventListener("input", preview));
    pivot.addEventListener("change", preview);
    document.getElementById("phase-reset").addEventListener("click", () => { p0.value = 0; p1.value = 0; preview(); });
    document.getElementById("phase-save").addEventListener("click", () => {
      const body = {p0_deg: parseFloat(p0.value), p1_deg: parseFloat(p1.value)};
      if (pivot.value) body.pivot_ppm = parseFloat(pivot.value);
      save("phase", body);
    });
    document.getElementById("baseline-save").addEventListener("click", () => {
      try { save("baseline", {regions_ppm: parseRanges(document.getElementById("baseline-regions").value),
                              order: parseInt(document.getElementById("baseline-order").value, 10)}); }
      catch (e) { status.textContent = e.message; }
    });
    document.getElementById("integrals-save").addEventListener("click", () => {
      try { save("integrals", {ranges_ppm: parseRanges(document.getElementById("integral-ranges").value)}); }
      catch (e) { status.textContent = e.message; }
    });
  }
  if (technique === "xrd") {
    const btn = document.getElementById("phases-save");
    if (btn) btn.addEventListener("click", () => {
      // search-match phases go by reference id (names can repeat), others by name
      const boxes = [...document.querySelectorAll(".phase-accept")];
      const ref = b => (b.dataset.ref ? Number(b.dataset.ref) : b.value);
      save("phases", {accepted: boxes.filter(b => b.checked).map(ref),
                      rejected: boxes.filter(b => !b.checked).map(ref)});
    });
  }
})();
