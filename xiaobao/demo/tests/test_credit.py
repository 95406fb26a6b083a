from django.utils import timezone

from xiaobao.credit.models import CreditEntry
from xiaobao.credit.tests.base import CreditTestCase
from xiaobao.demo.accounts import demo_accounts_write
from xiaobao.demo.credit import credit_seed
from xiaobao.demo.penalties import penalties_seed


class DemoCreditTests(CreditTestCase):
    def test_it_seeds_entries_with_their_history_once(self) -> None:
        demo_accounts_write()
        penalties_seed()
        self.assertIsNotNone(credit_seed())
        self.assertIsNone(credit_seed())
        entries = CreditEntry.objects.filter(document__contains="演示")
        self.assertEqual(entries.count(), 5)
        today = timezone.localdate()
        statuses = {e.name or e.subject: (e.status, e.is_listed_on(today)) for e in entries}
        self.assertEqual(statuses["吉林银行股份有限公司"], ("repaired", False))
        self.assertEqual(statuses["中国工商银行股份有限公司吉林省分行"], ("published", True))
        self.assertEqual(statuses["长春市汇鑫财富投资咨询有限公司（演示）"], ("published", False))
        self.assertTrue(entries.get(subject="institution", list="black", status="published").objections.exists())
        public = self.client.get("/credit/public/").content.decode()
        self.assertIn("中国工商银行股份有限公司吉林省分行", public)
        self.assertNotIn("220103197805120032", public)
        self.assertNotIn("赵某某", public)
