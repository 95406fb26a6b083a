"""Background work runs on the database queue by default and on RQ over Redis when configured."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]


def redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.skipif(not redis_is_up(), reason="Redis is not running on 127.0.0.1:6379")
class RQBackendTests(SimpleTestCase):
    def test_it_sends_a_complainants_email_through_an_rq_worker(self) -> None:
        env = {
            **os.environ,
            "XIAOBAO_TASK_BACKEND": "rq",
            # A Redis database of the tests' own, emptied first, so nothing else's jobs are in the way.
            "REDIS_URL": "redis://127.0.0.1:6379/15",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        }
        number = f"JL-20261127-{uuid.uuid4().int % 10**6:06d}"
        enqueued = manage(
            "shell",
            "-c",
            "import django_rq; django_rq.get_queue('default').empty();"
            "from xiaobao.complaints.tasks import send_complaint_email;"
            f"send_complaint_email.enqueue(number={number!r}, email='carla@example.com', text='投诉已受理')",
            env=env,
        )
        self.assertEqual(enqueued.returncode, 0, enqueued.stderr)

        worker = manage("rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "default", env=env)

        self.assertEqual(worker.returncode, 0, worker.stderr)
        self.assertIn(number, worker.stdout, worker.stderr[-3000:])
        self.assertIn("carla@example.com", worker.stdout)
