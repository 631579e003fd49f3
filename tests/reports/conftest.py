"""Reports reuse the catalog tests' fake lab (a reader and a technique without report hooks)."""

from __future__ import annotations

import sys
from pathlib import Path

CATALOG_TESTS = Path(__file__).resolve().parents[1] / "catalog"
if str(CATALOG_TESTS) not in sys.path:
    sys.path.insert(0, str(CATALOG_TESTS))
