"""The demo complaints `make run` loads: two years of handling replayed through the services."""

import itertools
import re
from collections import Counter
from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.complaints.access import complaints_for
from xiaobao.complaints.models import Complaint, Deadline, Event, Message, Survey
from xiaobao.complaints.selectors import QUEUE_OVERDUE, queue_counts_for
from xiaobao.complaints.services import complaint_submit
from xiaobao.demo.accounts import DEMO_ACCOUNTS
from xiaobao.demo.disputes import CASES
from xiaobao.demo.generator import DemoReference, SpecGenerator, generate_specs
from xiaobao.demo.products import MIS_SELLING_STORIES
from xiaobao.demo.topics import TOPICS
from xiaobao.disputes.models import Dispute
from xiaobao.lib.codes import is_valid_id_number
from xiaobao.registry.models import Category, DeadlineRuleSet, Institution

Status = Complaint.Status


class SeedDemoTests(TestCase):
    """One small demo data set (150 complaints), shared by the tests of this class."""

    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        out = StringIO()
        call_command("seed_demo", complaints=150, seed=7, stdout=out)
        cls.output = out.getvalue()

    def test_it_fills_every_status(self) -> None:
        statuses = set(Complaint.objects.values_list("status", flat=True))
        self.assertEqual(statuses, set(Status.values))
        # The disputes stage files its own complaints, each taken to mediation; the products stage files the
        # mis-selling complaints about one product.
        self.assertEqual(Complaint.objects.filter(disputes__isnull=True, product__isnull=True).count(), 150)
        self.assertEqual(Complaint.objects.count(), 150 + len(CASES) + 1 + len(MIS_SELLING_STORIES))
        closed = Complaint.objects.filter(status=Status.CLOSED)
        self.assertTrue(closed.filter(survey__isnull=False).exists())
        self.assertTrue(closed.filter(survey__isnull=True).exists())

    def test_it_prints_a_count_per_status(self) -> None:
        # The table counts the replayed complaints; the disputes and products stages, after it, file their own.
        replayed = Complaint.objects.filter(disputes__isnull=True, product__isnull=True)
        for status in Status.values:
            count = replayed.filter(status=status).count()
            self.assertRegex(self.output, rf"(?m)^{status}\s.*\s{count}$")
        self.assertIn("demo data written in", self.output)

    def test_it_records_every_status_change_as_an_event(self) -> None:
        events: dict[int, list[Event]] = {}
        for event in Event.objects.order_by("at", "id"):
            events.setdefault(event.complaint_id, []).append(event)
        # A guest's direct application for mediation files its complaint straight into mediation.
        for complaint in Complaint.objects.exclude(disputes__origin=Dispute.Origin.DIRECT):
            history = events[complaint.pk]
            self.assertEqual(history[0].kind, Event.Kind.SUBMITTED, complaint.number)
            self.assertEqual(history[0].to_status, Status.SUBMITTED)
            for before, after in itertools.pairwise(history):
                if after.from_status:
                    self.assertEqual(after.from_status, before.to_status, f"{complaint.number}: {after.kind}")
            self.assertEqual(history[-1].to_status, complaint.status, complaint.number)

    def test_it_dates_each_step_in_its_own_past(self) -> None:
        now = timezone.now()
        for complaint in Complaint.objects.all():
            self.assertLessEqual(complaint.received_at, now)
            self.assertGreaterEqual(complaint.received_at, now - timedelta(days=731))
            if complaint.answered_at:
                self.assertGreater(complaint.answered_at, complaint.accepted_at or complaint.received_at)
        self.assertFalse(Event.objects.filter(at__gt=now).exists())

    def test_it_puts_overdue_answers_under_supervision(self) -> None:
        today = timezone.localdate()
        overdue = Deadline.objects.filter(
            kind=Deadline.Kind.ANSWER,
            closed_at__isnull=True,
            due_date__lt=today,
            complaint__status=Status.WITH_INSTITUTION,
        )
        self.assertTrue(overdue.exists())
        for deadline in overdue:
            self.assertTrue(deadline.complaint.supervision_notices.exists(), deadline.complaint.number)
            self.assertIsNotNone(deadline.escalated_at)

    def test_it_leaves_the_demo_regulator_a_desk_with_few_overdue_items(self) -> None:
        regulator = User.objects.get(username="demo-regulator")
        counts = queue_counts_for(regulator)
        self.assertLessEqual(counts[QUEUE_OVERDUE], 0.05 * counts["all"], counts)
        # Poor surveys are called back (差评回访), nearly all within the rule set's working days.
        calls = Deadline.objects.filter(kind=Deadline.Kind.FOLLOW_UP, complaint__in=complaints_for(regulator))
        self.assertTrue(calls.filter(closed_at__isnull=False).exists())
        late = calls.filter(closed_at__isnull=True, due_date__lt=timezone.localdate())
        self.assertLessEqual(late.count(), max(1, 0.1 * calls.count()))

    def test_it_keeps_recent_complaints_open_and_old_ones_closed(self) -> None:
        now = timezone.now()
        recent = Complaint.objects.filter(received_at__gte=now - timedelta(days=14))
        old = Complaint.objects.filter(received_at__lt=now - timedelta(days=90))
        self.assertGreaterEqual(recent.filter(status__in=Complaint.OPEN_STATUSES).count(), 0.6 * recent.count())
        self.assertGreaterEqual(old.filter(status__in=Complaint.FINAL_STATUSES).count(), 0.9 * old.count())

    def test_it_creates_the_demo_accounts_with_their_roles_and_organisations(self) -> None:
        for username, role, name, _org in DEMO_ACCOUNTS:
            user = authenticate(username=username, password=settings.DEMO_PASSWORD)
            assert user is not None, username
            self.assertEqual((user.role, user.display_name), (role, name))
        organisation = {
            u.username: (u.institution.name if u.institution else u.authority.code if u.authority else "")
            for u in User.objects.filter(username__startswith="demo-")
        }
        self.assertEqual(organisation["demo-bank"], "中国工商银行股份有限公司吉林省分行")
        self.assertEqual(organisation["demo-bank2"], "吉林银行股份有限公司")
        self.assertEqual(organisation["demo-regulator"], "nfra-jilin")
        self.assertEqual(organisation["demo-city-regulator"], "local-changchun")
        self.assertEqual(organisation["demo-pboc"], "pboc-jilin")
        admin = User.objects.get(username="demo-admin")
        self.assertTrue(admin.is_staff and admin.is_superuser)
        self.assertIsNone(authenticate(username="demo-bank", password="wrong-password"))

    def test_it_gives_each_demo_account_complaints_to_work_on(self) -> None:
        consumer = User.objects.get(username="demo-consumer")
        mine = set(complaints_for(consumer).values_list("status", flat=True))
        self.assertGreaterEqual(len(mine), 6)
        for username in ("demo-bank", "demo-bank2", "demo-regulator", "demo-city-regulator"):
            self.assertTrue(complaints_for(User.objects.get(username=username)).exists(), username)
        city = complaints_for(User.objects.get(username="demo-city-regulator"))
        self.assertEqual({c.institution.type.sector for c in city}, {"local"})
        self.assertEqual({c.institution.region_id[:4] for c in city}, {"2201"})
        bank = complaints_for(User.objects.get(username="demo-bank"))
        self.assertTrue(bank.filter(status=Status.WITH_INSTITUTION, level=Complaint.Level.COMPLEX).exists())
        self.assertTrue(bank.filter(status=Status.RETURNED).exists())

    def test_it_acts_through_real_staff_of_the_right_organisation(self) -> None:
        for event in Event.objects.filter(kind=Event.Kind.ACCEPTED).select_related("actor", "complaint"):
            assert event.actor is not None
            self.assertEqual(event.actor.role, User.Role.REGULATOR)
        for event in Event.objects.filter(kind=Event.Kind.ANSWERED).select_related("actor", "complaint__institution"):
            assert event.actor is not None
            self.assertEqual(event.actor.institution_id, event.complaint.institution.head_office().pk)
        self.assertTrue(Message.objects.exists())
        self.assertTrue(Survey.objects.exists())

    def test_it_changes_nothing_when_run_again(self) -> None:
        before = (Complaint.objects.count(), Event.objects.count(), User.objects.count())
        out = StringIO()
        call_command("seed_demo", complaints=150, seed=7, stdout=out)
        self.assertIn("demo data already present", out.getvalue())
        self.assertEqual((Complaint.objects.count(), Event.objects.count(), User.objects.count()), before)

    def test_it_replaces_only_the_demo_complaints_when_forced(self) -> None:
        carla = User.objects.create_user("carla", password="pw-carla-123", role=User.Role.CONSUMER)
        spec = generate_specs(1, seed=1)[0]
        own, _code, _created = complaint_submit(
            by=carla,
            via=Complaint.Via.WEB,
            institution=Institution.objects.get(pk=spec.institution_id),
            business=Category.objects.get(pk=spec.business_id),
            summary=spec.summary,
            narrative=spec.narrative,
            complainant_name="张丽",
            phone="13812345678",
        )
        out = StringIO()
        call_command("seed_demo", complaints=40, seed=8, force=True, stdout=out)
        self.assertIn("deleted 150 earlier demo complaints", out.getvalue())
        replayed = Complaint.objects.exclude(pk=own.pk).filter(disputes__isnull=True, product__isnull=True)
        self.assertEqual(replayed.count(), 40)
        self.assertTrue(Complaint.objects.filter(pk=own.pk).exists())
        numbers = Complaint.objects.values_list("number", flat=True)
        self.assertEqual(len(set(numbers)), len(numbers))


class SeedDemoWithoutReferenceTests(TestCase):
    def test_it_asks_for_the_reference_data_first(self) -> None:
        DeadlineRuleSet.objects.all().delete()
        with self.assertRaisesMessage(CommandError, "load_reference"):
            call_command("seed_demo", complaints=10, stdout=StringIO())
        self.assertFalse(User.objects.filter(username__startswith="demo-").exists())


class DemoSpecTests(TestCase):
    """The generator on its own: what complainants would file, before anything is written."""

    def test_it_spreads_complaints_like_real_ones(self) -> None:
        specs = generate_specs(1000, seed=11)
        self.assertEqual(len(specs), 1000)
        cards = Category.objects.get(dimension=Category.Dimension.BUSINESS, name="信用卡")
        card_ids = {cards.pk, *cards.children.values_list("pk", flat=True)}
        card_share = sum(s.business_id in card_ids for s in specs) / len(specs)
        self.assertTrue(0.4 <= card_share <= 0.6, card_share)
        loans = Category.objects.get(dimension=Category.Dimension.BUSINESS, name="贷款")
        loan_ids = {loans.pk}
        for _level in range(3):
            loan_ids |= set(Category.objects.filter(parent_id__in=loan_ids).values_list("pk", flat=True))
        loan_share = sum(s.business_id in loan_ids for s in specs) / len(specs)
        self.assertTrue(0.24 <= loan_share <= 0.4, loan_share)
        prefectures = Counter(s.person.region_code[:4] for s in specs).most_common()
        self.assertEqual(prefectures[0][0], "2201")  # 长春 files most
        weekdays = Counter(timezone.localtime(s.received_at).weekday() for s in specs)
        self.assertGreater(min(weekdays[d] for d in range(5)), max(weekdays[5], weekdays[6]))
        institutions = Counter(Institution.objects.get(pk=s.institution_id).head_office().type.code for s in specs)
        self.assertGreater(institutions["state-bank"], institutions["city-bank"] + institutions["rural-bank"])

    def test_it_invents_valid_looking_people(self) -> None:
        for spec in generate_specs(300, seed=3):
            self.assertTrue(is_valid_id_number(spec.person.id_number), spec.person.id_number)
            self.assertRegex(spec.person.phone, r"^1[3-9]\d{9}$")
            self.assertTrue(spec.person.id_number.startswith(spec.person.region_code))
            gender_digit = int(spec.person.id_number[16])
            self.assertEqual(gender_digit % 2, 1 if spec.person.gender == "m" else 0)
            self.assertLessEqual(len(spec.summary), 120)
            self.assertNotRegex(spec.narrative + spec.summary, r"[{}]")

    def test_it_gives_the_same_complaints_for_the_same_seed(self) -> None:
        reference = DemoReference.load()
        first = generate_specs(80, seed=5, reference=reference)
        second = generate_specs(80, seed=5, reference=reference)
        other = generate_specs(80, seed=6, reference=reference)
        self.assertEqual([s.narrative for s in first], [s.narrative for s in second])
        self.assertNotEqual([s.narrative for s in first], [s.narrative for s in other])

    def test_it_fills_every_template_of_every_topic(self) -> None:
        reference = DemoReference.load()
        generator = SpecGenerator(reference, seed=1)
        self.assertEqual({t.key for t in reference.topics}, {t.key for t in TOPICS})
        institution = Institution.objects.get(name="中国工商银行股份有限公司吉林省分行")
        person = generator.person("220100")
        slot_names = re.compile(r"{(\w+)}")
        for topic in TOPICS:
            slots = generator._slots(topic, institution.pk, person, timezone.now(), generator._amount(topic))
            slots["remedy"] = "100"
            texts = [*topic.summaries, *topic.stories, *topic.staff, *topic.findings, *topic.remedies, *topic.products]
            for text in texts:
                missing = set(slot_names.findall(text)) - set(slots)
                self.assertFalse(missing, f"{topic.key}: {text}")
            self.assertEqual(len(topic.summaries), len(topic.stories), topic.key)
