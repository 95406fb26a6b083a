"""The public credit list at size: bulk-inserts N published company entries (and a tenth as many people)
into the database DATABASE_URL names, then times the public API's pages, filters and CSV download.

    DATABASE_URL=sqlite:////tmp/credit-bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/credit-bench.sqlite3 .venv/bin/python bench/credit.py --entries 20000

Run it on a scratch database: it writes rows it never removes.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from xiaobao.accounts.models import User  # noqa: E402
from xiaobao.credit.models import CreditEntry  # noqa: E402
from xiaobao.lib.codes import USCC_CHARSET, id_check_char, uscc_check_char  # noqa: E402
from xiaobao.registry.models import Authority  # noqa: E402


def _uscc(rng: random.Random) -> str:
    body = "9122" + "".join(rng.choice(USCC_CHARSET) for _ in range(13))
    return body + uscc_check_char(body)


def insert(n: int, rng: random.Random) -> None:
    authority = Authority.objects.get(code="nfra-jilin")
    user, _ = User.objects.get_or_create(
        username="bench-credit", defaults={"role": User.Role.REGULATOR, "authority": authority}
    )
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    for i in range(n):
        person = i % 10 == 0
        start = today - timedelta(days=rng.randint(0, 1400))
        body = (
            f"220102{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
        )
        rows.append(
            CreditEntry(
                number=f"XY-BENCH-{i:07d}",
                list="black" if rng.random() < 0.7 else "red",
                subject="person" if person else "company",
                name="" if person else f"吉林省测试{i}号投资有限公司",
                uscc="" if person else _uscc(rng),
                person_name="张三" if person else "",
                person_id_number=body + id_check_char(body) if person else "",
                basis="《防范和处置非法集资条例》第三十三条",
                source="decision",
                document=f"吉测决〔2026〕{i}号",
                decided_on=start,
                valid_from=start,
                valid_until=start + timedelta(days=1094),
                department=authority,
                status="published",
                drafted_by=user,
                checked_by=user,
                created_at=now,
                published_at=now,
                published_on=start,
            )
        )
    CreditEntry.objects.bulk_create(rows, batch_size=2000)


def timed(client: Client, query: dict[str, str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        cache.clear()  # the anonymous throttle counts per address
        started = time.perf_counter()
        response = client.get("/api/v1/public/credit/", query, REMOTE_ADDR="10.0.0.1", secure=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        assert response.status_code == 200 and body, response.status_code
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    rng = random.Random(2026)
    if not CreditEntry.objects.filter(number__startswith="XY-BENCH-").exists():
        started = time.perf_counter()
        insert(args.entries, rng)
        print(f"inserted {args.entries} entries in {time.perf_counter() - started:.1f} s")
    listed = CreditEntry.objects.filter(number__startswith="XY-BENCH-").count()
    client = Client()
    two_years_ago = str(timezone.localdate().replace(year=timezone.localdate().year - 2))
    for label, query in (
        ("first page (25)", {}),
        ("page 100 of size 100", {"page": "100", "size": "100"}),
        ("list=black&name=测试12", {"list": "black", "name": "测试12"}),
        (f"valid_on={two_years_ago}", {"valid_on": two_years_ago}),
        ("format=csv (everything)", {"format": "csv"}),
    ):
        print(f"{label:40s} median {timed(client, query, args.repeat):8.1f} ms   ({listed} entries in the table)")


if __name__ == "__main__":
    main()
