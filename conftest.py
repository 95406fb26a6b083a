"""Test set-up shared by every app: fast, quiet, inline, with the reference data loaded once."""

import os
import tempfile
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Set before any test class's setUpTestData hashes a persona's password or enqueues a task.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Rate limits are off in tests except where a test turns them on to prove them.
    settings.RATELIMIT_ENABLE = False
    # The test client and the browser tests' live server speak plain HTTP, like `make run`.
    settings.SECURE_SSL_REDIRECT = False
    # Texts go to this process's own outbox file, which the browser tests read codes from.
    settings.SMS_BACKEND = "console"
    settings.SMS_OUTBOX = Path(tempfile.gettempdir()) / f"xiaobao-sms-outbox-{os.getpid()}.jsonl"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from xiaobao.registry.services import calendar_seed, reference_load

    with django_db_blocker.unblock():
        reference_load()
        calendar_seed()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Browser tests run against a live server, which empties every table after each test; running
    # them last keeps the reference data loaded once per session for everything else.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
