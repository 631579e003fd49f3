"""Technique-neutral I/O: reading by sniffing, NeXus files, reader base class."""

from ._read import read, read_all, sniff
from ._reader import Reader, read_head, safe_sniff
from .nexus import NexusReader, load, save

__all__ = ["NexusReader", "Reader", "load", "read", "read_all", "read_head", "safe_sniff", "save", "sniff"]
