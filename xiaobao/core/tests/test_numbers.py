import threading
from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import TestCase, TransactionTestCase

from xiaobao.core.numbers import number_next, numbers_reserve

DAY = date(2026, 11, 27)


class NumberTests(TestCase):
    def test_it_numbers_a_day_from_one_in_order(self) -> None:
        self.assertEqual(number_next("JL", day=DAY), "JL-20261127-000001")
        self.assertEqual(number_next("JL", day=DAY), "JL-20261127-000002")

    def test_it_starts_each_day_and_each_prefix_afresh(self) -> None:
        number_next("JL", day=DAY)
        self.assertEqual(number_next("JL", day=date(2026, 11, 28)), "JL-20261128-000001")
        self.assertEqual(number_next("JB", day=DAY), "JB-20261127-000001")

    def test_it_continues_after_numbers_already_in_the_table(self) -> None:
        # Rows numbered before the counter existed for that day are never numbered again.
        users = get_user_model().objects
        users.create_user("ZZ-20261127-000041")
        self.assertEqual(number_next("ZZ", day=DAY, used=users, field="username"), "ZZ-20261127-000042")

    def test_it_gives_the_numbers_of_a_rolled_back_filing_back(self) -> None:
        try:
            with transaction.atomic():
                number_next("JL", day=DAY)
                raise RuntimeError("the filing failed")
        except RuntimeError:
            pass
        self.assertEqual(number_next("JL", day=DAY), "JL-20261127-000001")

    def test_it_reserves_runs_for_an_import_after_the_numbers_already_given(self) -> None:
        number_next("JL", day=DAY)
        runs = numbers_reserve("JL", {DAY: 2, date(2026, 11, 28): 1})
        self.assertEqual(list(runs[DAY]), ["JL-20261127-000002", "JL-20261127-000003"])
        self.assertEqual(list(runs[date(2026, 11, 28)]), ["JL-20261128-000001"])
        self.assertEqual(number_next("JL", day=DAY), "JL-20261127-000004")


class ConcurrentNumberTests(TransactionTestCase):
    # Only the counter table is emptied after the test: the reference data other tests read stays.
    available_apps = ["xiaobao.core"]

    def test_it_never_gives_two_filings_at_once_the_same_number(self) -> None:
        writers, per_writer = 6, 5
        start = threading.Barrier(writers)
        taken: list[str] = []
        errors: list[BaseException] = []

        def file_several() -> None:
            try:
                start.wait()
                for _ in range(per_writer):
                    with transaction.atomic():
                        taken.append(number_next("JL", day=DAY))
            except BaseException as exc:  # reported by the test, not lost in the thread
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=file_several) for _ in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        self.assertEqual(errors, [])
        self.assertEqual(len(taken), writers * per_writer)
        self.assertEqual(sorted(taken), [f"JL-20261127-{n:06d}" for n in range(1, writers * per_writer + 1)])
