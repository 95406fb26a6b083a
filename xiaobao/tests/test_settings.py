import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

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
