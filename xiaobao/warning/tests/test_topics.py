from datetime import date, timedelta

from xiaobao.testing import BaseTestCase
from xiaobao.warning.models import Alert
from xiaobao.warning.services import scan_run
from xiaobao.warning.tests.series import complaints_on

AS_OF = date(2026, 3, 18)
USUAL = ("信用卡年费未经同意被扣收", "信用卡额度被无故降低", "信用卡分期手续费说明不清")
NEW = "接到冒充银行客服的电话，被诱导开通共享屏幕后信用卡被盗刷"


class EmergingTopicTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for i in range(60, 0, -1):
            day = AS_OF - timedelta(days=i)
            complaints_on(
                day,
                2,
                institution=cls.icbc_changchun,
                business=cls.credit_card,
                authority=cls.nfra,
                summary=USUAL[i % 3],
            )

    def test_it_groups_new_complaints_sharing_a_rising_phrase_into_a_topic_with_examples(self):
        for i in range(6):
            complaints_on(
                AS_OF - timedelta(days=i),
                2,
                institution=self.icbc_changchun,
                business=self.credit_card,
                authority=self.nfra,
                summary=NEW,
            )
        result = scan_run(as_of=AS_OF, risk_index=False)
        topics = [a for a in result.alerts if a.kind == Alert.Kind.TOPIC]
        self.assertEqual(len(topics), 1)  # the phrases of one story are one topic, not one alert per word
        topic = topics[0]
        self.assertIn(self.credit_card.name, topic.key)
        self.assertTrue(any("冒充" in t or "共享屏幕" in t for t in topic.explanation["terms"]))
        self.assertEqual(topic.observed, 12)
        self.assertEqual(topic.explanation["complaint_count"], 12)
        self.assertTrue(all(c["summary"] == NEW for c in topic.explanation["complaints"]))
        self.assertEqual(topic.authority, self.nfra)

    def test_it_finds_no_topic_when_complaints_say_what_they_always_said(self):
        for i in range(6):
            complaints_on(
                AS_OF - timedelta(days=i),
                2,
                institution=self.icbc_changchun,
                business=self.credit_card,
                authority=self.nfra,
                summary=USUAL[i % 3],
            )
        result = scan_run(as_of=AS_OF, risk_index=False)
        self.assertEqual([a for a in result.alerts if a.kind == Alert.Kind.TOPIC], [])
