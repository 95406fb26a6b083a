"""Identifiers of the entity a report names: the keys reports are grouped into clues by.

Pure functions of the text a reporter wrote; the early-warning risk index uses them too."""

import re
import unicodedata

from xiaobao.registry.models import Region
from xiaobao.tipoffs.models import (
    Report,
)

# Identifiers of the entity: the keys reports are grouped by

# Legal-form suffixes that reporters write one way or another for the same company.
COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司")
# Separators between several values in one field; spaces are not among them because people write
# "138 1234 5678" and "6222 0212 3456 7890" for one number.
_SEPARATORS = re.compile(r"[,，;；、/|\n\r]+")
# What a reporter writes when the name is unknown or withheld (某公司, 王某, 不清楚): it identifies nobody,
# so it must not group unrelated reports.
PLACEHOLDER_NAMES = frozenset({"不清楚", "不知道", "未知", "不详", "不明", "无", "没有"})
# Platforms that host many unrelated accounts and pages: there the page, not the host, is the entity.
SHARED_HOSTS = (
    "weixin.qq.com",
    "qq.com",
    "douyin.com",
    "iesdouyin.com",
    "kuaishou.com",
    "weibo.com",
    "weibo.cn",
    "xiaohongshu.com",
    "bilibili.com",
    "toutiao.com",
    "baidu.com",
    "zhihu.com",
    "taobao.com",
    "tmall.com",
    "jd.com",
    "yangkeduo.com",
    "pinduoduo.com",
    "alipay.com",
)


def plain(value: str) -> str:
    """Full-width letters and digits as ASCII (NFKC), lower case, without whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).lower()


def normalise_name(name: str) -> str:
    """A company or person name without spaces, punctuation or the legal-form suffix."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")
    for suffix in COMPANY_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def _numbers(field: str, min_digits: int) -> list[str]:
    found = []
    for piece in _SEPARATORS.split(field or ""):
        piece = unicodedata.normalize("NFKC", piece)
        tokens = [re.sub(r"\D", "", t) for t in piece.split()]
        # Several numbers separated only by spaces: each part is long enough to be a number itself.
        if len(tokens) > 1 and all(len(t) >= min_digits for t in tokens):
            found.extend(tokens)
        else:
            found.append("".join(tokens))
    return [n for n in found if len(n) >= min_digits]


def normalise_phones(phones: str) -> list[str]:
    found = []
    for digits in _numbers(phones, 7):
        # +86 / 0086 before a mobile number is the same number.
        for prefix in ("0086", "86"):
            if digits.startswith(prefix) and len(digits) == len(prefix) + 11 and digits[len(prefix)] == "1":
                digits = digits[len(prefix) :]
        found.append(digits)
    return found


def normalise_websites(websites: str) -> list[str]:
    found = []
    for piece in re.split(r"[\s,，;；、|]+", unicodedata.normalize("NFKC", websites or "").lower()):
        url = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", piece.strip())
        cut = re.search(r"[/?#]", url)
        host, rest = (url[: cut.start()], url[cut.start() :]) if cut else (url, "")
        host = host.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
        host = host.removeprefix("www.")
        if "." not in host or not re.fullmatch(r"[\w.\-]+", host):
            continue
        if any(host == shared or host.endswith("." + shared) for shared in SHARED_HOSTS):
            path = re.split(r"[?#]", rest, maxsplit=1)[0].strip("/")
            if not path:
                continue  # the platform itself says nothing about who runs the scheme
            host = f"{host}/{path}"
        found.append(host)
    return found


def normalise_accounts(accounts: str) -> list[str]:
    found = _numbers(accounts, 8)
    # Payment accounts given as an e-mail address (支付宝 and the like).
    found += [
        e.lower() for e in re.findall(r"[\w.+\-]+@[\w\-]+\.[\w.\-]+", unicodedata.normalize("NFKC", accounts or ""))
    ]
    return found


def entity_keys(
    *,
    subject_kind: str,
    subject_name: str,
    subject_region: Region | None = None,
    subject_uscc: str = "",
    phones: str = "",
    websites: str = "",
    collecting_accounts: str = "",
) -> list[str]:
    """The identifiers reports about one entity share, as "kind:value" keys."""
    keys: set[str] = set()
    name = normalise_name(subject_name)
    if len(name) >= 2 and "某" not in name and name not in PLACEHOLDER_NAMES:
        if subject_kind == Report.SubjectKind.PERSON and subject_region is not None:
            # Many people share a name: a person is the same only within one city.
            keys.add(f"name:{name}@{subject_region.prefecture_code}")
        elif subject_kind != Report.SubjectKind.PERSON:
            keys.add(f"name:{name}")
    uscc = plain(subject_uscc).upper()
    if len(uscc) == 18:
        keys.add(f"uscc:{uscc}")
    keys.update(f"phone:{p}" for p in normalise_phones(phones))
    keys.update(f"web:{w}" for w in normalise_websites(websites))
    keys.update(f"account:{a}" for a in normalise_accounts(collecting_accounts))
    return sorted(keys)


def report_keys(report: Report) -> list[str]:
    return entity_keys(
        subject_kind=report.subject_kind,
        subject_name=report.subject_name,
        subject_region=report.subject_region,
        subject_uscc=report.subject_uscc,
        phones=report.phones,
        websites=report.websites,
        collecting_accounts=report.collecting_accounts,
    )
