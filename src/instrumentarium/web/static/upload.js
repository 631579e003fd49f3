// The upload page: POST the chosen file to /api/uploads and list what was catalogued.
"use strict";
document.getElementById("upload-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const out = document.getElementById("upload-result");
  out.textContent = "uploading…";
  const r = await fetch("/api/uploads", {method: "POST", body: new FormData(ev.target)});
  let body;
  try { body = await r.json(); } catch (e) { body = {detail: `HTTP ${r.status}`}; }
  if (!r.ok) { out.className = "error"; out.textContent = `refused (${r.status}): ${body.detail}`; return; }
  out.className = "ok";
  out.innerHTML = "";
  const p = document.createElement("p");
  p.textContent = `catalogued ${body.ids.length} measurement(s), ${body.failures.length} failure(s)`;
  out.appendChild(p);
  const ul = document.createElement("ul");
  body.ids.forEach(id => {
    const li = document.createElement("li"), a = document.createElement("a");
    a.href = `/measurements/${id}`; a.textContent = `measurement ${id}`; a.className = "uploaded";
    li.appendChild(a); ul.appendChild(li);
  });
  body.failures.forEach(f => {
    const li = document.createElement("li");
    li.textContent = `${f.file}: ${f.error}`; li.className = "error"; ul.appendChild(li);
  });
  out.appendChild(ul);
});
