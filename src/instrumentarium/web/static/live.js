// Live view: start an acquisition and redraw its processed spectrum/pattern as frames arrive.
(function () {
  "use strict";
  const plot = document.getElementById("live-plot");
  const status = document.getElementById("live-status");
  const runsBody = document.querySelector("#live-runs tbody");
  let drawn = false;
  const seen = [];  // n_events of every frame drawn, in order
  let polling = null;

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    return td;
  }

  // The runs table from /api/live/runs: progress, and the catalog link once the run is in.
  async function refreshRuns() {
    const resp = await fetch("/api/live/runs");
    if (!resp.ok) return;
    const runs = await resp.json();
    runsBody.replaceChildren(...runs.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.uid = r.uid || "";
      tr.append(cell(r.uid), cell(r.driver), cell(r.status), cell(r.n_events));
      const td = document.createElement("td");
      if (r.measurement_id) {
        const a = document.createElement("a");
        a.href = "/measurements/" + r.measurement_id;
        a.className = "catalog-link";
        a.textContent = "#" + r.measurement_id;
        td.append(a);
      }
      tr.append(td);
      return tr;
    }));
    // keep polling while a run is still acquiring or not yet catalogued
    const pending = runs.some((r) => r.status === "running" || (!r.measurement_id && !r.error));
    if (pending && !polling) polling = setInterval(refreshRuns, 1000);
    if (!pending && polling) { clearInterval(polling); polling = null; }
  }

  function draw(frame) {
    const ppm = frame.x_unit === "ppm";
    const layout = {
      margin: { t: 30, r: 20, b: 50, l: 70 },
      xaxis: { title: frame.x_name + " (" + frame.x_unit + ")", autorange: ppm ? "reversed" : true },
      yaxis: { title: frame.technique === "xrd" ? "counts" : "intensity" },
      uirevision: frame.run_uid,  // keep the user's zoom while frames arrive
      title: { text: frame.technique.toUpperCase() + " run " + frame.run_uid.slice(0, 8), font: { size: 14 } },
    };
    Plotly.react(plot, [{ x: frame.x, y: frame.y, mode: "lines", line: { width: 1 } }], layout,
                 { responsive: true });
    drawn = true;
    seen.push(frame.n_events);
    if (frame.status !== "running") refreshRuns();
    const total = frame.expected_events ? "/" + frame.expected_events : "";
    status.textContent = frame.status + ": " + frame.n_events + total + " events processed";
    status.dataset.events = frame.n_events;
    status.dataset.status = frame.status;
  }

  function connect() {
    const proto = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(proto + location.host + "/api/live/ws");
    ws.onmessage = (ev) => draw(JSON.parse(ev.data));
    ws.onclose = () => setTimeout(connect, 1000);
  }

  document.getElementById("live-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const body = { driver: form.get("driver"), scans: Number(form.get("scans") || 16) };
    const resp = await fetch("/api/live/runs", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    });
    const out = await resp.json();
    status.textContent = resp.ok ? "started run " + out.uid : "error: " + (out.detail || resp.status);
    if (resp.ok) refreshRuns();
  });

  connect();
  window.instrumentariumLive = { drawn: () => drawn, frames: () => seen.slice() };
})();
