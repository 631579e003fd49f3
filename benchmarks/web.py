"""Latency of the web workstation under concurrent clients, on loopback.

Builds a SQL catalog of a few thousand synthetic measurements (1H spectra and powder
patterns, 2048 points each, through the same ``CatalogStore.add`` the demo uses), serves
it with uvicorn in a separate process, and lets 20 concurrent clients (httpx, asyncio)
request, for random measurements, the measurement JSON, the measurement page and the plot
JSON, plus a catalog search page. Prints p50/p95 per endpoint and the ratio to the
baseline: ``GET /api/health``, the app's cheapest route (no catalog, no file), measured
under the same load, i.e. what FastAPI + uvicorn cost by themselves on this machine.

    python benchmarks/web.py [--n 3000] [--clients 20] [--requests 400] [--db /tmp/bench.sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from instrumentarium.model import Axis, Instrument, Measurement, NMRAcquisition, Sample, XRDAcquisition
from instrumentarium.web._demo import nmr_spectrum, xrd_pattern
from instrumentarium.web._queries import CatalogStore


def _measurements(n: int):
    compounds = ["ethyl acetate", "ethanol", "toluene"]
    solvents = ["CDCl3", "DMSO-d6", "C6D6"]
    for i in range(n):
        if i % 3:
            ppm, spec, _ = nmr_spectrum(compounds[i % 3], solvent=solvents[i % 3], n=2048, seed=i)
            yield Measurement("nmr", spec, (Axis("chemical_shift", "ppm", ppm),),
                              acquisition=NMRAcquisition(title=f"bench {i}", nucleus="1H",
                                                         solvent=solvents[i % 3],
                                                         spectrometer_frequency_mhz=400.13),
                              sample=Sample(name=compounds[i % 3]),
                              instrument=Instrument(vendor="Bruker", model=f"Avance {i % 4}"))
        else:
            tt, y = xrd_pattern({"Quartz": 1.0}, step=0.03, seed=i)
            yield Measurement("xrd", y, (Axis("two_theta", "deg", tt),), signal_unit="counts",
                              acquisition=XRDAcquisition(title=f"bench {i}", wavelength_angstrom=1.5406),
                              instrument=Instrument(vendor="Bruker", model="D8"))


def build(db: Path, n: int) -> float:
    store = CatalogStore.open(db)
    t0 = time.perf_counter()
    for m in _measurements(n):
        store.add(m, filename=m.acquisition.title)
    store.catalog.close()
    return time.perf_counter() - t0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _client(http: httpx.AsyncClient, urls: list[str], out: dict[str, list[float]]) -> None:
    for name, url in urls:
        t0 = time.perf_counter()
        r = await http.get(url)
        dt = time.perf_counter() - t0
        if r.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {r.status_code} {r.text[:200]}")
        out.setdefault(name, []).append(dt * 1000)


async def load(base: str, n: int, clients: int, requests: int) -> dict[str, list[float]]:
    rng = random.Random(0)
    endpoints = {
        "health (baseline)": lambda: "/api/health",
        "measurement JSON": lambda: f"/api/measurements/{rng.randint(1, n)}",
        "measurement page": lambda: f"/measurements/{rng.randint(1, n)}",
        "plot JSON": lambda: f"/api/measurements/{rng.randint(1, n)}/plot",
        "catalog search": lambda: f"/api/measurements?technique=nmr&solvent=cdcl3&page={rng.randint(1, 20)}",
    }
    out: dict[str, list[float]] = {}
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        for name, make in endpoints.items():  # one endpoint at a time, all clients at once
            per_client = max(1, requests // clients)
            jobs = [[(name, make()) for _ in range(per_client)] for _ in range(clients)]
            await asyncio.gather(*(_client(http, urls, out) for urls in jobs))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000, help="measurements in the catalog")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=400, help="requests per endpoint (all clients)")
    ap.add_argument("--db", type=Path, default=None,
                    help="keep the catalog here and reuse it on the next run (default: a temporary folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.sqlite"
        t_build = 0.0 if db.exists() else build(db, args.n)
        port = _free_port()
        code = ("import uvicorn; from instrumentarium.web import create_app; "
                f"uvicorn.run(create_app({str(db)!r}), host='127.0.0.1', port={port}, log_level='warning')")
        env = {**os.environ, "INSTRUMENTARIUM_HOME": tmp}
        server = subprocess.Popen([sys.executable, "-c", code], env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/api/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
            asyncio.run(load(base, args.n, args.clients, args.requests // 4))  # warm-up
            res = asyncio.run(load(base, args.n, args.clients, args.requests))
        finally:
            server.terminate()
            server.wait(timeout=20)
    base_p50 = statistics.median(res["health (baseline)"])
    print(f"catalog: {args.n} measurements (built in {t_build:.1f} s, 0 = reused); {args.clients} concurrent clients, "
          f"{os.cpu_count()} CPU(s), uvicorn 1 worker, loopback")
    print(f"{'endpoint':<20}{'requests':>9}{'p50 ms':>10}{'p95 ms':>10}{'p50 / baseline':>16}")
    for name, ms in res.items():
        a = np.asarray(ms)
        p50, p95 = np.percentile(a, 50), np.percentile(a, 95)
        print(f"{name:<20}{a.size:>9}{p50:>10.1f}{p95:>10.1f}{p50 / base_p50:>16.1f}")


if __name__ == "__main__":
    main()
