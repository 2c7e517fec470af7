"""`make bench`: run every benchmark in this folder, each printing its figures beside a baseline."""

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    sys.path.insert(0, str(HERE.parent))
    failed = []
    for path in sorted(HERE.glob("bench_*.py")):
        print(f"\n== {path.stem} ==", flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        started = time.perf_counter()
        try:
            spec.loader.exec_module(module)
            module.main()
        except Exception as exc:  # report and go on: one broken benchmark hides no other
            failed.append(path.stem)
            print(f"{path.stem}: FAILED: {exc!r}")
        print(f"({path.stem} took {time.perf_counter() - started:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
