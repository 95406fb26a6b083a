"""The Atom feed of published warnings (/risk-warnings/feed/), for news readers and other sites."""

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from xiaobao.riskwarnings.models import RiskWarning
from xiaobao.riskwarnings.selectors import newest_public

FEED_ITEMS = 30
SUMMARY_CHARS = 200


class RiskWarningFeed(Feed[RiskWarning, None]):
    feed_type = Atom1Feed
    title = _("吉林省金融消费者权益保护平台 · 风险提示")
    subtitle = _("监管部门发布的金融风险提示")
    link = reverse_lazy("riskwarnings:list")
    feed_url = reverse_lazy("riskwarnings:feed")

    def items(self) -> list[RiskWarning]:
        return newest_public(FEED_ITEMS)

    def item_title(self, item: RiskWarning) -> str:
        return item.title

    def item_description(self, item: RiskWarning) -> str:
        text = " ".join(item.body.split())
        return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "…"

    def item_link(self, item: RiskWarning) -> str:
        return reverse("riskwarnings:detail", args=[item.number])

    def item_guid(self, item: RiskWarning) -> str:
        # A tag URI stays the entry's id even if the site moves (RFC 4151).
        return f"tag:xiaobao,{item.created_at:%Y-%m-%d}:risk-warning/{item.number}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: RiskWarning) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: RiskWarning) -> datetime | None:
        return item.published_at

    def item_author_name(self, item: RiskWarning) -> str:
        return item.authority.name

    def item_categories(self, item: RiskWarning) -> list[str]:
        return [a.name for a in item.audiences.all()]
