"""The ``instrumentarium`` command line."""

from __future__ import annotations

import click

from .._version import __version__
from ._core import formats, info, plugins, process

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="instrumentarium")
def main() -> None:
    """Instrumentarium: read, process and catalogue data from analytical instruments.

    Every command takes --json for scripts. Data and settings live in
    $INSTRUMENTARIUM_HOME (default: the user's data directory).
    """


for _cmd in (info, formats, plugins, process):
    main.add_command(_cmd)

# Each area adds its commands below its own comment (one import, one add_command).

# nmr
from ._nmr import nmr_analyze  # noqa: E402

main.add_command(nmr_analyze)


# xrd
from ._xrd import xrd  # noqa: E402
from ._xrd_analysis import xrd_analyze  # noqa: E402

main.add_command(xrd)
main.add_command(xrd_analyze)

# catalog and reports
from ._catalog import ingest_command, report_command, search_command, show_command  # noqa: E402

for _cmd in (ingest_command, search_command, show_command, report_command):
    main.add_command(_cmd)


# web
from ._web import demo, serve  # noqa: E402

main.add_command(serve)
main.add_command(demo)


# live
from ._live import acquire, watch  # noqa: E402

main.add_command(acquire)
main.add_command(watch)

