"""Synthetic events for benchmarks (the generator is ``tests/synthetic.py``, which the tests
use too; the tests import nothing from ``benchmarks/``).

    python benchmarks/generate.py --events 100000 --flights 1000 --out /tmp/events.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.synthetic import main, write  # noqa: E402

__all__ = ["main", "write"]

if __name__ == "__main__":
    main()
