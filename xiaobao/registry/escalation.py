"""The escalation rules as shipped, one per clock kind.

Seeded into empty rows only (by clock kind): an administrator's edits are never overwritten. The data
migration uses this table, and a rule missing from the database is read from it, so a clock is never
left without one.

Jilin publishes no escalation time limits. 60 % and 90 % are the platform's warning points as before;
5 working days to act on an escalation follows the 督办 reply limit (DeadlineRuleSet.supervision_workdays)
[U]. An overdue regulator's duty goes to the authority above it (上级机关督促); an institution's to its head
office, which answers for its branches (§7 投诉处理主体责任); a mediation's to the head of its body.
"""

from typing import Any

from django.apps.registry import Apps

BASIS = "平台默认：60%、90% 预警；逾期后 5 个工作日内由升级对象办理，仍逾期的再升级一次并列入省级逾期看板 [U]。"

DEFAULTS: tuple[dict[str, Any], ...] = (
    {"clock": "complaints.accept", "target": "parent_authority"},
    {"clock": "complaints.answer", "target": "head_office"},
    {"clock": "complaints.review", "target": "parent_authority"},
    {"clock": "complaints.supervision", "target": "head_office"},
    {"clock": "complaints.follow_up", "target": "parent_authority"},
    {"clock": "disputes.answer", "target": "head_office"},
    {"clock": "disputes.mediation", "target": "mediation_head"},
    {"clock": "disputes.payment", "target": "head_office"},
)


def default_for(clock: str) -> dict[str, Any]:
    """A complaint clock's warning points are left to the complaint's own time-limit set (blank), as they
    were before the escalation rules; a dispute's are 60 % and 90 %."""
    target = next((row["target"] for row in DEFAULTS if row["clock"] == clock), "parent_authority")
    warn = "" if clock.startswith("complaints.") else "60,90"
    return {
        "clock": clock,
        "target": target,
        "warn_percents": warn,
        "escalation_workdays": 5,
        "second_workdays": 5,
        "basis": BASIS,
    }


def seed_escalation_rules(apps: Apps, schema_editor: Any = None) -> None:
    rule = apps.get_model("registry", "EscalationRule")
    for row in DEFAULTS:
        if not rule.objects.filter(clock=row["clock"]).exists():
            rule.objects.create(**default_for(row["clock"]))
