"""What every benchmark shares: the machine, latency figures, process memory, tables and the data.

The complaints come from the demo data set's generator (xiaobao.demo.generator), seeded, so every run of
every benchmark builds the same rows from the same reference data; only the machine's speed differs.
"""

import json
import os
import platform
import socket
import sys
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # scripts started as bench/<name>.py import the project's packages

if TYPE_CHECKING:
    from xiaobao.demo.generator import DemoReference

PYTHON = sys.executable
# "small" is the quick size every benchmark supports (make bench runs it); the others are the contract's sizes.
SIZES = ("small", "10k", "100k", "1m")
SEED = 20161212  # 吉金办联字〔2016〕12号: any fixed number would do; this one is easy to recognise
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------
# The machine and its processes


def machine() -> dict[str, Any]:
    meminfo = _proc_fields("/proc/meminfo")
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu_model = platform.processor()
    return {
        "cores": os.cpu_count(),
        "memory_mib": meminfo.get("MemTotal", 0) // 1024,
        "cpu": cpu_model,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def _proc_fields(path: str) -> dict[str, int]:
    """Lines like "VmHWM:   123456 kB" as {"VmHWM": 123456}."""
    fields: dict[str, int] = {}
    try:
        text = Path(path).read_text()
    except OSError:
        return fields
    for line in text.splitlines():
        key, _sep, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            fields[key] = int(parts[0])
    return fields


def peak_rss_kib(pid: int | str = "self") -> int:
    """The process's high-water resident set (VmHWM), in KiB; 0 when the process is gone."""
    return _proc_fields(f"/proc/{pid}/status").get("VmHWM", 0)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name in parentheses may hold spaces: the fields after its closing ")" are fixed.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a live process has used; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def own_cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Figures and tables


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks, as numpy's default; values must be sorted."""
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def latency_ms(seconds: Sequence[float]) -> dict[str, float]:
    values = sorted(seconds)
    return {
        "p50": round(percentile(values, 50) * 1000, 2),
        "p95": round(percentile(values, 95) * 1000, 2),
        "p99": round(percentile(values, 99) * 1000, 2),
        "max": round(values[-1] * 1000, 2) if values else float("nan"),
    }


def check(name: str, value: Any, target: str, passed: bool) -> dict[str, Any]:
    return {"name": name, "value": value, "target": target, "result": "PASS" if passed else "FAIL"}


def format_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "  ".join("-" * w for w in widths)

    def fmt(values: Sequence[str]) -> str:
        return "  ".join(_pad(v, w, right=i > 1) for i, (v, w) in enumerate(zip(values, widths, strict=True)))

    return "\n".join([title, line, fmt(list(columns)), line, *(fmt(r) for r in cells), line])


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


# ---------------------------------------------------------------------------------------------
# Realistic complaints: the demo data set's generator, read in a configured Django process


def generator_reference(end: date | None = None) -> "DemoReference":
    """The reference data the generator draws from, as of the end of `end` (default: now), institutions
    without a supervising authority left out: intake would refuse them, and a benchmark measures accepted work."""
    from django.utils import timezone

    from xiaobao.demo.generator import DemoReference

    now = None if end is None else timezone.make_aware(datetime.combine(end, time(23, 59)))
    return DemoReference.load(now, supervised_only=True)


def generated_complaints(
    n: int, *, seed: int = SEED, reference: "DemoReference | None" = None
) -> Iterator[dict[str, Any]]:
    """n complaints over the 24 months up to the reference's day, in order of receipt, each as the
    API's create fields (institution by credit code, categories and labels by code) plus `received_at`
    (local time, no zone): the same generator as the demo data set (xiaobao.demo.generator)."""
    from xiaobao.demo.generator import SpecGenerator, payload

    reference = reference or generator_reference()
    for spec in SpecGenerator(reference, seed).iter_specs(n):
        yield payload(reference, spec)


def head_offices(reference: "DemoReference") -> dict[str, str]:
    """Each institution's credit code -> its head office's."""
    return {i.uscc: reference.institutions[reference.heads[pk]].uscc for pk, i in reference.institutions.items()}
