"""`make bench`: run every benchmark in bench/ and print its figures."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["trends.py", "throughput.py", "scale.py", "first_load.py", "reminders.py",
              "panel.py", "export.py", "import.py"]

if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    for name in BENCHMARKS:
        print(f"== bench/{name}")
        runpy.run_path(str(HERE / name), run_name="__main__")
