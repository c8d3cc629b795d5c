"""Run every benchmark in bench/ (``make bench``); BENCH_ONLY=labels,review picks some."""

import importlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import setup_django  # noqa: E402


def main():
    only = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
    vendor = setup_django()
    print(f"benchmark database: {vendor}")
    for path in sorted(HERE.glob("bench_*.py")):
        topic = path.stem.removeprefix("bench_")
        if only and topic not in only:
            continue
        importlib.import_module(f"bench.{path.stem}").main()


if __name__ == "__main__":
    main()
