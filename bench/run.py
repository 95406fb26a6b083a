"""Run the benchmarks: one table each on the terminal, the same figures as JSON in var/bench/<name>.json.

Each bench/<name>.py exposes run(size, out_dir) -> dict with "title", "columns", "rows", "checks"
(name, value, target, PASS/FAIL) and "notes"; everything else it returns goes into the JSON only.
The exit status is 1 when a benchmark crashed or missed a target, so a script can rely on it.
"""

import argparse
import importlib
import shlex
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

from common import ROOT, SIZES, format_table, machine, write_json

OUT_DIR = ROOT / "var" / "bench"
NOT_BENCHMARKS = {"run", "common", "evaluate_warning", "evaluate_scrubber"}  # these two are run on their own


def available() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(p.stem for p in here.glob("*.py") if p.stem not in NOT_BENCHMARKS and not p.stem.startswith("_"))


def command() -> str:
    """The command line as typed in the project directory, for quoting next to the figures."""
    python = Path(sys.executable)
    shown = python.relative_to(ROOT).as_posix() if python.is_relative_to(ROOT) else sys.executable
    return shlex.join([shown, *sys.argv])


def report(name: str, result: dict[str, Any]) -> str:
    lines = [format_table(result.get("title", name), result["columns"], result["rows"])]
    for c in result.get("checks", []):
        lines.append(f"  {c['result']:4}  {c['name']}: {c['value']} (target {c['target']})")
    lines += [f"  {note}" for note in result.get("notes", [])]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", choices=available(), help="one benchmark (default: all)")
    parser.add_argument("--size", choices=SIZES, default="small", help="data size (default: small)")
    args = parser.parse_args()

    failed = False
    for name in [args.name] if args.name else available():
        module = importlib.import_module(name)
        started = time.monotonic()
        print(f"== {name} ({args.size}) ==", flush=True)
        try:
            result = module.run(args.size, OUT_DIR)
        except Exception:
            traceback.print_exc()
            failed = True
            continue
        result = {
            "name": name,
            "size": args.size,
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": command(),
            "wall_seconds": round(time.monotonic() - started, 1),
            "machine": machine(),
            **result,
        }
        write_json(OUT_DIR / f"{name}.json", result)
        print(report(name, result))
        print(f"  figures: {(OUT_DIR / f'{name}.json').relative_to(ROOT)}", flush=True)
        failed = failed or any(c["result"] != "PASS" for c in result.get("checks", []))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
