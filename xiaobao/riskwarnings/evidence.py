"""The kinds of evidence a warning can be drafted from, each read through its own app's access check.

A new kind (a confirmed product re-grading, a black-list entry) is one more `EvidenceKind` in KINDS: the
warning's tables do not change. Each kind finds its object for the user (404 when it is not theirs, as
on its own page) and proposes what the draft starts from.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from xiaobao.accounts.models import User
from xiaobao.registry.models import Region


@dataclass(frozen=True)
class Proposal:
    """What a draft from a piece of evidence starts with; the writer rewrites it for the public."""

    label: str  # the evidence in one line, kept on the link
    title: str
    scheme: str
    body: str
    regions: list[Region] = field(default_factory=list)


@dataclass(frozen=True)
class EvidenceKind:
    code: str
    name: StrOrPromise
    find: Callable[[User, str], Proposal]  # Http404 when the user may not see it
    url: Callable[[str], str]


def _alert(user: User, key: str) -> Proposal:
    from xiaobao.warning.access import get_alert_for

    alert = get_alert_for(user, key)
    regions = [alert.region] if alert.region else []
    if alert.kind == alert.Kind.RISK:
        # A fundraising risk alert is about an entity, not a complaint series: the warning names the scheme.
        return Proposal(
            label=f"{alert.get_kind_display()}：{alert.key}",
            title=f"警惕“{alert.key}”涉嫌非法集资的风险",
            scheme=f"以“{alert.key}”名义承诺高额回报、向社会公众吸收资金"[:200],
            body=(
                f"监管部门监测发现，“{alert.key}”的宣传和经营活动具有非法集资的风险特征。"
                "凡是未经依法许可、承诺“保本高息、稳赚不赔”、向社会不特定对象吸收资金的，都涉嫌非法集资，"
                "参与非法集资的损失由参与人自行承担。请勿投入资金；已经参与的，请保存合同和转账记录，"
                "及时向当地处置非法集资部门举报或向公安机关报案。"
            ),
            regions=regions,
        )
    return Proposal(
        label=f"{alert.get_kind_display()}：{alert.key}",
        title=f"关于警惕“{alert.key}”相关风险的提示",
        scheme=f"{alert.get_kind_display()}：{alert.key}"[:200],
        body=(
            f"近期，监管部门监测发现与“{alert.key}”有关的投诉明显增多。"
            "请广大金融消费者提高警惕，不轻信“高收益、零风险”等宣传，不向陌生账户转账，"
            "保管好身份证件、银行卡和验证码。如发现可疑情况，请及时向当地金融监管部门反映或向公安机关报案。"
        ),
        regions=regions,
    )


def _clue(user: User, key: str) -> Proposal:
    from xiaobao.tipoffs.access import get_clue_for

    clue = get_clue_for(user, key)
    reasons = "；".join(str(r) for r in clue.risk_reasons[:3])
    return Proposal(
        label=f"非法集资线索：{clue.title}",
        title=f"警惕“{clue.title}”以高额回报为诱饵的非法集资",
        scheme=(reasons or f"以“{clue.title}”名义吸收资金")[:200],
        body=(
            f"近期，群众举报反映“{clue.title}”以承诺高额回报等方式向社会公众吸收资金。"
            "凡是承诺“保本保息、稳赚不赔”，并通过亲友、熟人拉人头吸收资金的，都有非法集资嫌疑。"
            "请勿参与；已经参与的，请保存合同、转账记录等证据，及时向当地处置非法集资部门举报或向公安机关报案。"
        ),
        regions=[clue.authority.region],
    )


KINDS: dict[str, EvidenceKind] = {
    kind.code: kind
    for kind in (
        EvidenceKind("alert", _("监测预警"), _alert, lambda key: reverse("warning:alert", args=[key])),
        EvidenceKind("clue", _("非法集资线索"), _clue, lambda key: reverse("tipoffs:clue", args=[key])),
    )
}


def evidence_kind(code: str) -> EvidenceKind:
    try:
        return KINDS[code]
    except KeyError:
        raise Http404 from None


def evidence_find(user: User, kind: str, key: str) -> Proposal:
    """The proposal for a draft from that evidence; 404 for an unknown kind or an object not the user's."""
    return evidence_kind(kind).find(user, key)
