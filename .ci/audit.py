"""Known vulnerabilities in the pinned dependencies: `make audit`, part of `make test`.

pip-audit checks requirements.txt and requirements-dev.txt exactly as pinned (no resolution, nothing
installed) against the PyPI advisory database; npm audit checks the front-end packages the platform
serves (package-lock.json, without development packages). A vulnerability with a fixed version fails
the run: upgrade the pin (requirements*.in, then `uv pip compile`; package.json, then `npm install`).
One without a fix is listed and does not fail. When an advisory database cannot be reached (a
closed network), the run says so loudly and does not fail, as the browser tests do without chromium.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

# npm packages whose advisories do not reach the platform, and why.
NPM_NOT_SERVED = {
    # echarts 4.9.0 under another name, for the province map files only (settings.STATICFILES_DIRS
    # serves node_modules/echarts-map-data/map/js/province); its library is never served.
    "echarts-map-data": "only its map data files are served",
}


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)  # noqa: S603


def _loud(message: str) -> None:
    print(f"\n!!! {message} !!!\n", flush=True)


def python_findings() -> tuple[list[str], list[str], bool]:
    """(fixable, unfixable, reached) for the pinned Python requirements."""
    done = _run(
        [
            str(VENV_BIN / "pip-audit"),
            "--requirement",
            "requirements.txt",
            "--requirement",
            "requirements-dev.txt",
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--format",
            "json",
        ]
    )
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(done.stderr[-2000:], file=sys.stderr)
        return [], [], False
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    fixable, unfixable = [], []
    for dep in audited:
        for vuln in dep.get("vulns", []):
            line = f"{dep['name']} {dep['version']}: {vuln['id']}"
            if vuln.get("fix_versions"):
                fixable.append(f"{line} (fixed in {', '.join(vuln['fix_versions'])})")
            else:
                unfixable.append(f"{line} (no fixed version yet)")
    return fixable, unfixable, bool(audited) or not dependencies


def npm_findings() -> tuple[list[str], list[str], bool]:
    """(fixable, unfixable, reached) for the front-end packages."""
    done = _run(["npm", "audit", "--omit=dev", "--json"])
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        return [], [], False
    if "error" in report and "vulnerabilities" not in report:
        return [], [], False
    fixable, unfixable = [], []
    for name, vuln in report.get("vulnerabilities", {}).items():
        line = f"{name} ({vuln.get('severity')}, {vuln.get('range')})"
        if name in NPM_NOT_SERVED:
            print(f"npm: {line}: accepted, {NPM_NOT_SERVED[name]}")
        elif vuln.get("fixAvailable"):
            fixable.append(line)
        else:
            unfixable.append(line)
    return fixable, unfixable, True


def main() -> int:
    failed = False
    for ecosystem, audit in (("Python", python_findings), ("npm", npm_findings)):
        fixable, unfixable, reached = audit()
        if not reached:
            _loud(f"{ecosystem}: the advisory database could not be reached, the dependencies were NOT audited")
            continue
        for line in unfixable:
            print(f"{ecosystem}: {line}")
        for line in fixable:
            print(f"{ecosystem}: VULNERABLE, upgrade: {line}")
        failed = failed or bool(fixable)
        if not fixable:
            print(f"{ecosystem}: no known vulnerability with a fix")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
