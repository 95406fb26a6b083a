"""Early warning on the demo data: daily scans over the last twelve weeks, a watch list imported by the
demo fundraising officer, and a few alerts already being worked, through the real services.

Idempotent: a second run finds the scans there and does nothing.
"""

import time
from datetime import timedelta
from io import TextIOBase

from django.db import transaction
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.demo.accounts import DEMO_FUNDRAISING, DEMO_REGULATOR
from xiaobao.warning import services
from xiaobao.warning.models import Alert, ScanRun

WEEKS = 12

# A list as a market-supervision department might share it: registered companies whose names, scope
# or advertising raise questions (all invented; credit codes left blank).
WATCH_LIST = (
    "名称,统一社会信用代码,经营范围,注册地,宣传文本\n"
    "吉林省汇鑫财富管理咨询有限公司,,财富管理咨询；企业管理咨询,220104,"
    "专为中老年朋友打造的稳健理财，保本保息，年化收益15%，每月返息，推荐亲友加入另有奖励。\n"
    "长春市颐康养老服务有限公司,,养老服务；健康咨询,220102,"
    "免费体检、旅游，入会即享养老公寓床位，预存10万元每年返息9%，到期回购。\n"
    "吉林市链云数字科技有限公司,,区块链技术开发；软件开发,220202,"
    "购买矿机即可挖矿，日息0.5%，稳赚不赔，邀请好友扫码进群领取返利。\n"
    "四平市丰农种植专业合作社,,农作物种植,220302,代种植人参，每份投资2万元，三年后回购，收益翻倍。\n"
    "通化长盛商贸有限公司,,日用百货销售,220502,会员储值卡充值满1万元送2000元。\n"
)


def warning_seed(*, weeks: int = WEEKS, out: TextIOBase | None = None) -> str | None:
    """The scans, the watch list and the worked alerts; None when a scan has run already."""
    if ScanRun.objects.exists():
        return None
    started = time.monotonic()
    today = timezone.localdate()
    officer = User.objects.filter(username=DEMO_FUNDRAISING).first()
    first = today - timedelta(days=7 * weeks)
    if officer is not None and officer.authority is not None:
        result = services.watch_import(name="demo-watch-list.csv", data=WATCH_LIST.encode(), by=officer, as_of=first)
        if result.errors:
            raise ValueError("; ".join(result.errors))
    # What the daily scan would have found had it run every day: complaint series every day,
    # topics and the risk index once a week (they change more slowly and cost more).
    for k in range(7 * weeks - 1, -1, -1):
        as_of = today - timedelta(days=1 + k)
        weekly = k % 7 == 0
        run = services.scan_run(as_of=as_of, topics=weekly, risk_index=weekly).run
        if weekly and out is not None:
            out.write(f"  scans to {as_of}: {run.series} series, {run.raised} alerts raised\n")
    _work_some_alerts()
    return f"early warning: {Alert.objects.count()} alerts from {7 * weeks} daily scans in {time.monotonic() - started:.0f} s"


@transaction.atomic
def _work_some_alerts() -> None:
    """The oldest alerts of the demo regulator are already worked: one investigated, one confirmed,
    one closed as a false positive, so the desk and the thresholds' review show every state."""
    regulator = User.objects.filter(username=DEMO_REGULATOR).first()
    if regulator is None:
        return
    alerts = list(Alert.objects.filter(authority=regulator.authority).order_by("period_start", "id"))
    # Two stay new, so the regulator's desk always has work on it.
    oldest = alerts[: max(0, min(3, len(alerts) - 2))]
    steps = [
        lambda a: services.alert_investigate(alert=a, by=regulator),
        lambda a: services.alert_close(
            alert=a, by=regulator, confirmed=True, reason="约谈机构，确认系统升级期间集中扣费，已督促退还。"
        ),
        lambda a: services.alert_close(
            alert=a, by=regulator, confirmed=False, reason="节前集中办理业务导致的正常波动，非风险事件。"
        ),
    ]
    for alert, step in zip(oldest, steps, strict=False):
        step(alert)
