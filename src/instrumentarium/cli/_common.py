"""Shared CLI plumbing: errors as one line, JSON output, human tables."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import click

from ..model import InstrumentariumError, to_plain

__all__ = ["handle_errors", "echo_json", "echo_table", "json_option"]

F = TypeVar("F", bound=Callable[..., Any])

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def handle_errors(func: F) -> F:
    """Turn expected errors into a one-line message on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (InstrumentariumError, FileNotFoundError, NotADirectoryError, PermissionError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def echo_json(obj: Any) -> None:
    """Print ``obj`` as indented plain JSON."""
    click.echo(json.dumps(to_plain(obj), indent=2, ensure_ascii=False))


def echo_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None) -> None:
    """Print a table with rich when available, else aligned text."""
    rows = [["" if v is None else str(v) for v in r] for r in rows]
    try:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table
    except ImportError:  # pragma: no cover - rich is a dependency
        if title:
            click.echo(title)
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
        click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
        for r in rows:
            click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))
        return
    table = Table(title=title, show_lines=False)
    for h in headers:
        table.add_column(h, overflow="fold")
    for r in rows:
        table.add_row(*(escape(v) for v in r))  # file patterns such as pdata/[0-9]*/1r are not markup
    Console(soft_wrap=False).print(table)
