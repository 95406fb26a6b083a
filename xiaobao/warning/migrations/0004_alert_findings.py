"""An institution's anomalies of one period become one alert with its findings listed.

Alerts raised before kept one row per series: the institution overall and each institution × business
category. Rows of the same institution, granularity and period are folded into one: it keeps the number
and workflow of the row that was worked on most (the strongest on a tie), takes level, score and evidence
from the strongest finding, lists every row as a finding and carries the others' history lines. A lone
institution × category alert becomes its institution's alert. Other alerts only gain their one finding.
"""

from collections import defaultdict
from typing import Any

from django.db import migrations, models


def _finding(alert: Any) -> dict[str, Any]:
    return {
        "dimension": alert.dimension,
        "key": alert.key,
        "key_code": alert.key_code,
        "observed": alert.observed,
        "expected": alert.expected,
        "p_value": alert.p_value,
        "score": alert.score,
        "level": alert.level,
    }


def _strength(alert: Any) -> tuple[float, bool]:
    return (1.0 if alert.p_value is None else alert.p_value, alert.dimension != "institution")


def fold(apps: Any, schema_editor: Any) -> None:
    Alert = apps.get_model("warning", "Alert")
    AlertEvent = apps.get_model("warning", "AlertEvent")
    groups: dict[tuple[str, str, Any], list[Any]] = defaultdict(list)
    for alert in Alert.objects.filter(kind="anomaly").order_by("pk"):
        if alert.key_code.startswith("institution:"):
            institution = alert.key_code.split("|")[0]
            groups[(institution, alert.granularity, alert.period_start)].append(alert)
        else:
            alert.findings = [_finding(alert)]
            alert.save(update_fields=["findings"])
    for (institution, _granularity, _start), rows in groups.items():
        rows.sort(key=_strength)
        lead = rows[0]
        events = {a.pk: AlertEvent.objects.filter(alert_id=a.pk).count() for a in rows}
        keeper = max(rows, key=lambda a: (events[a.pk], a is lead))
        others = [a for a in rows if a.pk != keeper.pk]
        AlertEvent.objects.filter(alert_id__in=[a.pk for a in others]).update(alert_id=keeper.pk)
        findings = [_finding(a) for a in rows]
        Alert.objects.filter(pk__in=[a.pk for a in others]).delete()
        for field in ("observed", "expected", "p_value", "score", "level", "explanation"):
            setattr(keeper, field, getattr(lead, field))
        keeper.dimension = "institution"
        keeper.key = lead.key.split(" · ")[0]
        keeper.key_code = institution
        keeper.findings = findings
        keeper.save()


class Migration(migrations.Migration):
    dependencies = [
        ("warning", "0003_scan_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="findings",
            field=models.JSONField(blank=True, default=list, verbose_name="预警维度"),
        ),
        # Folded rows cannot be told apart again; going back leaves the one alert per institution.
        migrations.RunPython(fold, migrations.RunPython.noop),
    ]
