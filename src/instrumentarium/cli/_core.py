"""Core commands: info, formats, plugins, process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from ..formats import read, save, sniff
from ..model import Measurement, to_plain
from ..pipeline import resolve_recipe
from ..plugins import GROUPS, plugin_infos, readers, techniques
from ._common import echo_json, echo_table, handle_errors, json_option

__all__ = ["info", "formats", "plugins", "process"]


def _size_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _summary(m: Measurement) -> dict[str, Any]:
    plugin = techniques().get(m.technique)
    if plugin is not None:
        return dict(plugin.summary(m))
    return {k: v for k, v in to_plain(m.acquisition).items() if v not in (None, [], "")}


def describe(path: Path, m: Measurement, reader_name: str) -> dict[str, Any]:
    """What ``info`` reports about a file."""
    reader = readers()[reader_name]
    return {
        "path": str(path),
        "format": reader_name,
        "format_description": getattr(reader, "description", ""),
        "technique": m.technique,
        "size_bytes": _size_bytes(path),
        "shape": list(m.shape),
        "dtype": str(m.signal.dtype),
        "axes": [
            {"name": a.name, "unit": a.unit, "n": len(a),
             "first": float(a.values[0]) if len(a) else None,
             "last": float(a.values[-1]) if len(a) else None}
            for a in m.axes
        ],
        "acquisition": _summary(m),
        "sample": to_plain(m.sample),
        "instrument": to_plain(m.instrument),
        "warnings": list(m.warnings),
    }


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--reader", default=None, help="Force a reader by name (see `formats`).")
@json_option
@handle_errors
def info(path: Path, reader: str | None, as_json: bool) -> None:
    """Say what a file or vendor folder is: format, technique, key parameters, size."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    m = read(path, reader=reader)
    name = reader or sniff(path)[0][1]
    d = describe(path, m, name)
    if as_json:
        echo_json(d)
        return
    click.echo(f"{d['path']}")
    click.echo(f"  format     {d['format']} ({d['format_description']})")
    click.echo(f"  technique  {d['technique']}")
    click.echo(f"  size       {d['size_bytes']:,} bytes on disk; signal {d['shape']} {d['dtype']}")
    for a in d["axes"]:
        click.echo(f"  axis       {a['name']}: {a['n']} points, {a['first']:.6g} to {a['last']:.6g} {a['unit']}")
    for k, v in d["acquisition"].items():
        click.echo(f"  {k:<10} {v}")
    for w in d["warnings"]:
        click.echo(f"  warning    {w}")


@click.command()
@json_option
@handle_errors
def formats(as_json: bool) -> None:
    """List every registered reader with its file patterns."""
    rows = [
        {"name": name, "technique": getattr(r, "technique", "?"),
         "patterns": list(getattr(r, "patterns", ())), "description": getattr(r, "description", "")}
        for name, r in sorted(readers().items())
    ]
    if as_json:
        echo_json(rows)
        return
    echo_table(["reader", "technique", "patterns", "description"],
               [[r["name"], r["technique"], " ".join(r["patterns"]), r["description"]] for r in rows],
               title="Registered readers")


@click.command()
@json_option
@handle_errors
def plugins(as_json: bool) -> None:
    """List installed plugins (readers, steps, techniques, drivers, exporters)."""
    infos = plugin_infos()
    if as_json:
        echo_json(infos)
        return
    echo_table(
        ["group", "name", "target", "package", "status"],
        [[i.group.removeprefix("instrumentarium."), i.name, i.target,
          f"{i.distribution or '-'} {i.version or ''}".strip(), i.error or "ok"] for i in infos],
        title=f"Installed plugins ({', '.join(GROUPS.values())})",
    )


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write the processed result to this .nxs file.")
@click.option("--recipe", default="auto", show_default=True,
              help="'auto', 'vendor', or a JSON/YAML recipe file.")
@click.option("--reader", default=None, help="Force a reader by name.")
@json_option
@handle_errors
def process(path: Path, output: Path | None, recipe: str, reader: str | None, as_json: bool) -> None:
    """Read, process and (with -o) save a measurement; --json prints what was done."""
    raw = read(path, reader=reader)
    rec = resolve_recipe(raw, recipe if recipe in ("auto", "vendor") else os.fspath(recipe))
    out = rec.run(raw)
    plugin = techniques().get(out.technique)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        save(out, output, recipe=rec)
    d: dict[str, Any] = {
        "path": str(path),
        "technique": out.technique,
        "acquisition": to_plain(raw.acquisition),
        "recipe": rec.to_dict(),
        "steps": [
            {"step": p.step, "parameters": to_plain(p.parameters), "decisions": to_plain(p.decisions)}
            for p in out.provenance
        ],
        "warnings": list(out.warnings),
        "output": str(output) if output else None,
    }
    if plugin is not None and hasattr(plugin, "process_summary"):
        d.update(plugin.process_summary(out))
    if as_json:
        echo_json(d)
        return
    click.echo(f"{path}: {out.technique}, recipe {rec.name!r}")
    for s in d["steps"]:
        dec = f"  -> {s['decisions']}" if s["decisions"] else ""
        click.echo(f"  {s['step']} {s['parameters']}{dec}")
    for w in d["warnings"]:
        click.echo(f"  warning: {w}")
    if output:
        click.echo(f"wrote {output}")
