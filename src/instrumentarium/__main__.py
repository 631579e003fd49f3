"""``python -m instrumentarium``: the command line."""

from .cli import main

main(prog_name="instrumentarium")
