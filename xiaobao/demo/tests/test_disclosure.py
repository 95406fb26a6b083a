from tempfile import TemporaryDirectory

from xiaobao.accounts.models import User
from xiaobao.complaints.services import complaint_accept
from xiaobao.demo.disclosure import disclosure_seed
from xiaobao.disclosure.models import PublicComplaint
from xiaobao.testing import BaseTestCase


class DemoDisclosureTests(BaseTestCase):
    carla: User
    rita: User

    def test_it_builds_the_demo_public_database_once(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        complaint_accept(complaint=complaint, by=self.rita)
        with self.settings(VAR_DIR=self.enterContext(TemporaryDirectory())):
            self.assertIn("1 published, 1 written", disclosure_seed() or "")
            self.assertIsNone(disclosure_seed())
        self.assertEqual(PublicComplaint.objects.count(), 1)
