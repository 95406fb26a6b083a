"""`make audit` fails on a known vulnerability that has a fix, and only then."""

import importlib.util
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from unittest import mock

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]


def load_audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def answers(pip: dict | None, npm: dict | None) -> Callable[[list[str]], subprocess.CompletedProcess[str]]:
    """What pip-audit and npm audit print as JSON (None: the advisory database was unreachable)."""

    def run(command: list[str]) -> subprocess.CompletedProcess[str]:
        found = pip if "pip-audit" in command[0] else npm
        return subprocess.CompletedProcess(command, 1, json.dumps(found) if found is not None else "", "")

    return run


PIP_CLEAN = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}], "fixes": []}
PIP_FIXABLE = {
    "dependencies": [
        {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}]}
    ]
}
PIP_UNFIXED = {"dependencies": [{"name": "jieba", "version": "0.42.1", "vulns": [{"id": "X-1", "fix_versions": []}]}]}
PIP_OFFLINE = {"dependencies": [{"name": "django", "version": "5.2.19", "skip_reason": "Dependency not found on PyPI"}]}
NPM_CLEAN: dict = {"vulnerabilities": {}, "metadata": {}}
NPM_FIXABLE = {"vulnerabilities": {"echarts": {"severity": "high", "range": "<6.2", "fixAvailable": True}}}
NPM_MAP_DATA = {"vulnerabilities": {"echarts-map-data": {"severity": "moderate", "fixAvailable": True}}}
NPM_OFFLINE = {"error": {"summary": "405 Method Not Allowed"}}


class AuditTests(SimpleTestCase):
    def verdict(self, pip: dict | None, npm: dict | None) -> int:
        audit = load_audit()
        with mock.patch.object(audit, "_run", answers(pip, npm)), mock.patch("builtins.print"):
            return audit.main()

    def test_it_fails_on_a_vulnerable_pin_with_a_fixed_version(self) -> None:
        self.assertEqual(self.verdict(PIP_FIXABLE, NPM_CLEAN), 1)
        self.assertEqual(self.verdict(PIP_CLEAN, NPM_FIXABLE), 1)

    def test_it_passes_clean_pins_and_vulnerabilities_without_a_fix(self) -> None:
        self.assertEqual(self.verdict(PIP_CLEAN, NPM_CLEAN), 0)
        self.assertEqual(self.verdict(PIP_UNFIXED, NPM_CLEAN), 0)

    def test_it_accepts_the_map_data_package_whose_library_is_never_served(self) -> None:
        self.assertEqual(self.verdict(PIP_CLEAN, NPM_MAP_DATA), 0)

    def test_it_says_loudly_that_nothing_was_audited_when_the_advisories_are_unreachable(self) -> None:
        audit = load_audit()
        with mock.patch.object(audit, "_run", answers(PIP_OFFLINE, NPM_OFFLINE)), mock.patch("builtins.print") as out:
            self.assertEqual(audit.main(), 0)
        printed = " ".join(str(call.args[0]) for call in out.call_args_list)
        self.assertIn("Python: the advisory database could not be reached", printed)
        self.assertIn("npm: the advisory database could not be reached", printed)
