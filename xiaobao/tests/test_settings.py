import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase, override_settings

ROOT = Path(__file__).resolve().parents[2]


class SettingsTests(SimpleTestCase):
    def test_it_documents_every_environment_variable_in_env_example(self) -> None:
        source = (ROOT / "config" / "settings.py").read_text()
        read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))
        documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
        self.assertTrue(read, "no variables found: the pattern no longer matches settings.py")
        self.assertEqual(read - documented, set())

    def test_it_hashes_passwords_with_argon2_in_production(self) -> None:
        from config import settings as production

        self.assertEqual(production.PASSWORD_HASHERS[0], "django.contrib.auth.hashers.Argon2PasswordHasher")

    def test_it_speaks_chinese_by_default_in_shanghai_time(self) -> None:
        self.assertEqual(settings.LANGUAGE_CODE, "zh-hans")
        self.assertEqual(settings.TIME_ZONE, "Asia/Shanghai")


def _settings_under(**environment: str) -> dict:
    """The HTTPS settings a server started with this environment would have."""
    code = (
        "import json; from config import settings as s; print(json.dumps({k: getattr(s, k) for k in ("
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE')}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XIAOBAO_") and k != "DEBUG"}
    env["XIAOBAO_VAR_DIR"] = settings.VAR_DIR.as_posix()
    env.update(environment)
    done = subprocess.run(  # noqa: S603  # this interpreter, a fixed snippet
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


class HttpsSettingsTests(SimpleTestCase):
    def test_it_redirects_to_https_with_a_year_of_hsts_and_secure_cookies_when_debug_is_off(self) -> None:
        self.assertEqual(
            _settings_under(DEBUG="0"),
            {
                "SECURE_SSL_REDIRECT": True,
                "SECURE_HSTS_SECONDS": 31_536_000,
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                "SESSION_COOKIE_SECURE": True,
                "CSRF_COOKIE_SECURE": True,
            },
        )

    def test_it_serves_plain_http_under_make_run_or_when_switched_off(self) -> None:
        for environment in ({"DEBUG": "1"}, {"DEBUG": "0", "XIAOBAO_HTTPS": "0"}):
            found = _settings_under(**environment)
            self.assertFalse(found["SECURE_SSL_REDIRECT"], environment)
            self.assertEqual(found["SECURE_HSTS_SECONDS"], 0, environment)
            self.assertFalse(found["SESSION_COOKIE_SECURE"], environment)

    def test_it_passes_the_security_deployment_checks_but_the_documented_preload_one(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("XIAOBAO_") and k != "DEBUG"}
        env.update(DEBUG="0", XIAOBAO_VAR_DIR=settings.VAR_DIR.as_posix())
        done = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        found = set(re.findall(r"\((security\.[EW]\d+)\)", done.stdout + done.stderr))
        # security.W021: HSTS preload lists are for the public internet; the README says why it stays off.
        self.assertEqual(found - {"security.W021"}, set(), done.stdout + done.stderr)


class HttpsRedirectTests(TestCase):
    @override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31_536_000)
    def test_it_sends_plain_http_to_https_but_lets_the_health_check_through(self) -> None:
        response = self.client.get("/public/")
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response["Location"].startswith("https://"))
        self.assertIn("max-age=31536000", self.client.get("/public/", secure=True).headers["Strict-Transport-Security"])
        self.assertEqual(self.client.get("/healthz").status_code, 200)
