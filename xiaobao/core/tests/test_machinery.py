from datetime import UTC, date, datetime

import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import TestCase
from django.utils import translation
from django.utils.translation import gettext

from xiaobao.core import notify as notifications
from xiaobao.core.language import on_the_record
from xiaobao.core.locks import lock
from xiaobao.core.notify import Notice, notify
from xiaobao.core.time import now, today


class TimeTests(TestCase):
    def test_it_dates_an_action_by_the_clock_in_jilin(self) -> None:
        # 23:30 UTC on 27 November is 07:30 on the 28th in Changchun: the deadline counts from the 28th.
        with time_machine.travel(datetime(2026, 11, 27, 23, 30, tzinfo=UTC), tick=False):
            self.assertEqual(today(), date(2026, 11, 28))
            self.assertEqual(now(), datetime(2026, 11, 27, 23, 30, tzinfo=UTC))


class OnTheRecordTests(TestCase):
    def test_it_writes_the_record_in_chinese_for_a_reader_of_english(self) -> None:
        @on_the_record
        def what_the_record_says() -> str:
            return gettext("投诉")

        with translation.override("en"):
            self.assertEqual(what_the_record_says(), "投诉")
            self.assertEqual(translation.get_language(), "en")


class LockTests(TestCase):
    def test_it_acts_on_the_row_as_it_is_now_not_as_it_was_read(self) -> None:
        users = get_user_model().objects
        user = users.create_user("carla", display_name="Carla")
        users.filter(pk=user.pk).update(display_name="Carla Chen")
        with transaction.atomic():
            self.assertEqual(lock(user).display_name, "Carla Chen")


class NotifyTests(TestCase):
    def test_it_tells_every_channel_once(self) -> None:
        heard: list[Notice] = []
        notifications.channel_register("test", heard.append)
        self.addCleanup(notifications.channel_remove, "test")
        users = [get_user_model().objects.create_user("rita")]

        notify("新预警 YJ-20261127-000001", users=users)

        self.assertEqual([(n.text, n.users) for n in heard], [("新预警 YJ-20261127-000001", tuple(users))])

    def test_it_reaches_people_in_the_platform_and_complainants_by_e_mail(self) -> None:
        self.assertEqual(notifications.channels()[:2], [notifications.PLATFORM, notifications.EMAIL])
