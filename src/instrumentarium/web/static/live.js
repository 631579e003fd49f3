// Live view: start an acquisition and redraw its processed spectrum/pattern as frames arrive.
(function () {
  "use strict";
  const plot = document.getElementById("live-plot");
  const status = document.getElementById("live-status");
  let drawn = false;

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
  });

  connect();
  window.instrumentariumLive = { drawn: () => drawn };
})();
