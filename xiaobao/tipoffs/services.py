"""Every change to a fundraising report or clue: one function per action, each in one transaction.

An action checks that the actor is an officer of the lead department handling the report (or of one
above it) and that the report is in a state that allows it, writes the new state under a row lock,
and appends an immutable ReportEvent. What the reporter may see of an event is decided here, once:
plain-language status changes only, never an officer's note.

Nothing here ever receives the HTTP request: no address, user agent or cookie can reach a report.
"""

import functools
import hmac
import io
import os
import re
import secrets
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from xiaobao.accounts.models import User
from xiaobao.complaints.services import _on_the_record
from xiaobao.lib.codes import is_valid_uscc
from xiaobao.lib.files import ALLOWED_TYPES, MEDIA_TYPES, sniff_content_type
from xiaobao.lib.workdays import add_workdays
from xiaobao.registry.models import Authority, Institution, InstitutionType, Region
from xiaobao.registry.selectors import calendar_exceptions, supervision_line_for
from xiaobao.tipoffs.access import handles
from xiaobao.tipoffs.models import (
    Clue,
    ContactRead,
    Evidence,
    Report,
    ReportEvent,
    ReportMessage,
    Reward,
    RewardTier,
    RiskKeyword,
)
from xiaobao.tipoffs.rules import benchmark_rate_for, name_words, triage_settings_for
from xiaobao.tipoffs.selectors import connected_groups, unassigned_reports

Status = Report.Status
Kind = ReportEvent.Kind

# Reports an officer may still triage, and clues still being worked on.
TRIAGE_STATUSES = (Status.RECEIVED, Status.UNDER_REVIEW, Status.NEEDS_INFO)
OPEN_CLUE_STATUSES = (Clue.Status.OPEN, Clue.Status.INVESTIGATING)
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")

# Evidence: images, PDFs and office files as for complaints, plus the recordings a phone makes.
EVIDENCE_TYPES = ALLOWED_TYPES | MEDIA_TYPES
EVIDENCE_MAX_FILES = 10
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF"}
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "text/plain": ".txt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "audio/mpeg": ".mp3",
    "audio/amr": ".amr",
    "audio/ogg": ".ogg",
    "audio/wav": ".wav",
    "audio/mp4": ".m4a",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/3gpp": ".3gp",
    "video/webm": ".webm",
}

SCHEME_MIN_CHARS = 10
TEXT_MAX_CHARS = 20_000  # a report or a message: far beyond any real account, short of an abuse

# ---------------------------------------------------------------------------------------------
# The receipt: the reporter's only key, 16 digits as GlobaLeaks has it (~53 bits).

RECEIPT_DIGITS = 16
RECEIPT_SALT_FILE = "receipt_salt"
# Argon2id with OWASP's minimum for password storage (19 MiB, 2 passes, 1 lane): slow enough that a
# stolen database does not give the receipts back, fast enough (~50 ms) for a look-up per request.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1
ARGON2_HASH_BYTES = 32


@functools.lru_cache(maxsize=4)
def _salt_at(path: Path) -> bytes:
    if not path.exists():
        # Written beside the file and linked into place, which fails if another process won the race:
        # every process then reads the same salt, never a half-written one.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        tmp.write_text(secrets.token_hex(16))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    try:
        salt = bytes.fromhex(path.read_text().strip())
    except ValueError:
        salt = b""
    if len(salt) < 16:
        raise ImproperlyConfigured(f"{path} must hold at least 16 random bytes in hex.")
    return salt


def receipt_salt() -> bytes:
    """The site-wide salt, generated once into var/ like the secret key.

    The same salt for every receipt is what makes the hash a look-up key; losing the file makes every
    receipt unusable, so var/receipt_salt belongs in the backups with var/field_key.
    """
    return _salt_at(Path(settings.VAR_DIR) / RECEIPT_SALT_FILE)


def receipt_hash(receipt: str) -> str:
    raw = hash_secret_raw(
        secret=receipt.encode(),
        salt=receipt_salt(),
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
        hash_len=ARGON2_HASH_BYTES,
        type=Type.ID,
    )
    return raw.hex()


def _new_receipt() -> tuple[str, str]:
    while True:
        receipt = f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"
        digest = receipt_hash(receipt)
        if not Report.objects.filter(receipt_hash=digest).exists():
            return receipt, digest


def report_for_receipt(receipt: str) -> Report | None:
    """The report the receipt opens, or None: a wrong receipt and a missing one look the same."""
    digits = re.sub(r"[\s\-]", "", receipt or "")
    if not re.fullmatch(rf"\d{{{RECEIPT_DIGITS}}}", digits):
        return None
    digest = receipt_hash(digits)
    report = Report.objects.filter(receipt_hash=digest).first()
    if report is None or not hmac.compare_digest(report.receipt_hash, digest):
        return None
    return report


# ---------------------------------------------------------------------------------------------
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


def _plain(value: str) -> str:
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
    uscc = _plain(subject_uscc).upper()
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


# ---------------------------------------------------------------------------------------------
# Routing (条例 Art. 20) and the regulator to notify (谁审批、谁监管、谁负责)


def lead_department_for(*, region: Region, on: date) -> Authority | None:
    """The lead department in force that day for the region: the most specific one whose area
    contains it, so a city's 处非办 wins over the province's."""
    codes = region.ancestor_codes()
    candidates = Authority.objects.filter(
        kind=Authority.Kind.FUNDRAISING, region_id__in=codes, valid_from__lte=on
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    return min(candidates, key=lambda a: (codes.index(a.region_id), a.pk), default=None)


def regulator_for(*, institution: Institution | None, on: date) -> Authority | None:
    """The supervisor of a licensed institution named in a report; None for an unlicensed one."""
    if institution is None or institution.type.sector == InstitutionType.Sector.UNLICENSED:
        return None
    line = supervision_line_for(institution=institution, on=on)
    if line is None or line.authority.kind == Authority.Kind.FUNDRAISING:
        return None
    return line.authority


# ---------------------------------------------------------------------------------------------
# The risk pre-score


def _num(value: Decimal | int) -> str:
    """4.0 as 4 and 12.40 as 12.4: numbers as a person writes them."""
    return format(Decimal(value).normalize(), "f")


def _money(value: Decimal | int) -> str:
    """1,200,000 and 1,234.5: amounts in 元 with thousands separators and no trailing zeros."""
    text = f"{Decimal(value):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def is_licensed(*, name: str, uscc: str = "") -> bool:
    """Whether a company is itself a licensed institution in the register, by name or credit code."""
    match = Q(name=name.strip())
    if uscc:
        match |= Q(uscc=uscc.strip().upper())
    return Institution.objects.filter(match).exclude(type__sector=InstitutionType.Sector.UNLICENSED).exists()


def keyword_hits(text: str) -> tuple[list[str], int]:
    """The active scheme words found in the text, and the sum of their weights (uncapped).

    Keywords are found by plain substring search over the text with spaces and full-width forms
    normalised away. Word segmentation (jieba) is not needed and would do harm: the scheme words are
    fixed phrases, and a segmenter may cut 稳赚不赔 or 保本保息 differently from the word list and
    miss them; a substring search cannot miss one. Longer words are matched first and their text is
    used up, so 保本保息 counts once rather than also as 保本 and 保息.
    """
    text = _plain(text)
    hits: list[str] = []
    points = 0
    for keyword in sorted(RiskKeyword.objects.filter(is_active=True), key=lambda k: (-len(k.word), k.word)):
        word = _plain(keyword.word)
        if word and word in text:
            hits.append(keyword.word)
            points += keyword.weight
            text = text.replace(word, "\x00")
    return hits, points


@_on_the_record
def risk_score_for(report: Report) -> tuple[int, list[str]]:
    """0–100 with its reasons in plain Chinese, from the rules in force on the day of the report."""
    on = timezone.localdate(report.received_at) if report.received_at else timezone.localdate()
    rules = triage_settings_for(on)
    score = 0
    reasons: list[str] = []

    hits, points = keyword_hits(
        " ".join([report.subject_name, report.scheme, report.promoted_where, report.apps, report.social_accounts])
    )
    if hits:
        points = min(points, rules.keyword_cap)
        score += points
        reasons.append(
            _("命中特征词“%(words)s”，加 %(points)s 分（特征词最多计 %(cap)s 分）。")
            % {"words": "、".join(hits), "points": points, "cap": rules.keyword_cap}
        )

    if report.subject_kind == Report.SubjectKind.COMPANY and not is_licensed(
        name=report.subject_name, uscc=report.subject_uscc
    ):
        name = _plain(report.subject_name)
        found = [w for w in name_words(rules) if _plain(w) in name]
        if found:
            score += rules.name_word_weight
            reasons.append(
                _("不是持牌金融机构，名称却含“%(words)s”字样（条例第9条禁止），加 %(points)s 分。")
                % {"words": "、".join(found), "points": rules.name_word_weight}
            )

    if report.promised_return is not None:
        benchmark = benchmark_rate_for(on)
        if benchmark is not None:
            limit = benchmark.rate * rules.yield_multiple
            if report.promised_return > limit:
                score += rules.yield_weight
                reasons.append(
                    _(
                        "承诺年化收益率 %(promised)s%% 超过%(name)s（%(rate)s%%）的 %(multiple)s 倍"
                        "（%(limit)s%%），加 %(points)s 分。"
                    )
                    % {
                        "promised": _num(report.promised_return),
                        "name": benchmark.name,
                        "rate": _num(benchmark.rate),
                        "multiple": _num(rules.yield_multiple),
                        "limit": _num(limit),
                        "points": rules.yield_weight,
                    }
                )

    met = []
    if report.amount is not None and report.amount >= rules.prosecution_amount:
        met.append(
            _("涉及金额 %(amount)s 元，达到 %(threshold)s 元")
            % {"amount": _money(report.amount), "threshold": _money(rules.prosecution_amount)}
        )
    if report.people is not None and report.people >= rules.prosecution_people:
        met.append(
            _("涉及 %(people)s 人，达到 %(threshold)s 人")
            % {"people": report.people, "threshold": rules.prosecution_people}
        )
    if met:
        score += rules.scale_weight
        reasons.append(
            _("%(met)s的追诉标准（法释〔2022〕5号），加 %(points)s 分。")
            % {"met": "；".join(met), "points": rules.scale_weight}
        )
    return min(score, 100), reasons


# ---------------------------------------------------------------------------------------------
# Helpers shared by the actions


def _now() -> datetime:
    return timezone.now()


def _today() -> date:
    return timezone.localdate()


def _workdays(count: int) -> date:
    return add_workdays(_today(), count, calendar_exceptions())


def _lock_report(report: Report) -> Report:
    """Re-read the row under a lock, so two officers acting at once cannot both pass the state check."""
    return Report.objects.select_for_update(of=("self",)).select_related("authority", "clue").get(pk=report.pk)


def _lock_clue(clue: Clue) -> Clue:
    return Clue.objects.select_for_update(of=("self",)).select_related("authority").get(pk=clue.pk)


def _require_handler(by: User | None, authority_id: int) -> None:
    if by is None or not handles(by, authority_id):
        raise PermissionDenied(gettext_lazy("只有负责这件举报的处置非法集资部门工作人员可以办理。"))


def _require_status(report: Report, statuses: Sequence[str]) -> None:
    if report.status not in statuses:
        raise ValidationError(
            gettext_lazy("举报当前状态为“%(status)s”，不能执行此操作。"), params={"status": Status(report.status).label}
        )


def _require_open_clue(clue: Clue) -> None:
    if clue.status not in OPEN_CLUE_STATUSES:
        raise ValidationError(
            gettext_lazy("线索 %(number)s 当前状态为“%(status)s”，不能执行此操作。"),
            params={"number": clue.number, "status": Clue.Status(clue.status).label},
        )


def _text(value: str, field: str, message: Any, *, min_chars: int = 1) -> str:
    value = (value or "").strip()
    if len(value) < min_chars:
        raise ValidationError({field: message})
    if len(value) > TEXT_MAX_CHARS:
        raise ValidationError(
            {field: ValidationError(gettext_lazy("内容不能超过 %(max)s 字。"), params={"max": TEXT_MAX_CHARS})}
        )
    return value


def _event(
    kind: str,
    by: User | None,
    *,
    report: Report | None = None,
    clue: Clue | None = None,
    visible: bool = False,
    note: str = "",
    data: dict[str, Any] | None = None,
    due: date | None = None,
) -> ReportEvent:
    """One line of history. visible is only for status changes the reporter may read, whose note is
    written for the reporter; an officer's own words go in a separate, never-visible NOTE event."""
    return ReportEvent.objects.create(
        report=report,
        clue=clue,
        kind=kind,
        actor=by,
        at=_now(),
        visible_to_reporter=visible,
        note=note,
        data=data or {},
        due_date=due,
    )


def _officer_note(by: User, text: str, *, report: Report | None = None, clue: Clue | None = None) -> None:
    if text:
        _event(Kind.NOTE, by, report=report, clue=clue, note=text)


def _save_numbered(obj: Report | Clue, prefix: str) -> None:
    """Numbers like JB-20261127-000001: readable over the phone, in order of receipt within a day.

    The next number is read from the day's last one; two writers racing for it (PostgreSQL allows it,
    SQLite's immediate transactions do not) make the unique index fail, and the loser takes the next.
    """
    model = type(obj)
    stem = f"{prefix}-{timezone.localdate():%Y%m%d}-"
    for attempt in range(5):
        last = model.objects.filter(number__startswith=stem).order_by("-number").values_list("number", flat=True)
        last_number = last.first()
        obj.number = f"{stem}{int(last_number[len(stem) :]) + 1 if last_number else 1:06d}"
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError:
            if attempt == 4:
                raise


def _refresh_clue_risk(clue: Clue) -> None:
    """A clue is as alarming as its most alarming report."""
    top = clue.reports.order_by("-risk_score", "received_at").only("risk_score", "risk_reasons").first()
    clue.risk_score = top.risk_score if top else 0
    clue.risk_reasons = list(top.risk_reasons) if top else []


def _open_clue_sharing(authority_id: int, keys: Iterable[str]) -> Clue | None:
    """The open clue of the department sharing most identifiers with these keys, oldest first on a tie.

    Clue.keys is a JSON list, which SQLite cannot search by element: the department's open clues are
    compared in Python (a department has hundreds of open clues, not millions).
    """
    wanted = set(keys)
    if not wanted:
        return None
    best: tuple[int, datetime, Clue] | None = None
    clues = Clue.objects.filter(authority_id=authority_id, status__in=OPEN_CLUE_STATUSES).only(
        "pk", "keys", "created_at"
    )
    for clue in clues:
        shared = len(wanted & set(clue.keys))
        if shared and (best is None or (-shared, clue.created_at) < (-best[0], best[1])):
            best = (shared, clue.created_at, clue)
    return best[2] if best else None


def _join(report: Report, clue: Clue) -> None:
    """Put a (locked) report into a (locked) clue: the clue learns the report's identifiers."""
    report.clue = clue
    clue.keys = sorted(set(clue.keys) | set(report.keys))


# ---------------------------------------------------------------------------------------------
# Evidence


@dataclass
class _Prepared:
    content: File
    content_type: str
    size: int
    original_name: str


def _clean_image(data: bytes, content_type: str) -> bytes:
    """Re-encode without metadata: EXIF (camera, time, GPS position), XMP, comments and colour profiles
    are dropped; the EXIF orientation is applied to the pixels first, so the picture stays upright."""
    fmt = IMAGE_FORMATS[content_type]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as img:
            animated = fmt == "GIF" and getattr(img, "n_frames", 1) > 1
            keep = {k: img.info[k] for k in ("transparency", "duration", "loop") if k in img.info}
            if animated:
                clean = img
            else:
                img.load()
                clean = ImageOps.exif_transpose(img)
                if fmt == "JPEG" and clean.mode not in ("L", "RGB", "CMYK"):
                    clean = clean.convert("RGB")
            clean.info = dict(keep)
            out = io.BytesIO()
            if animated:
                clean.save(out, fmt, save_all=True, **keep)
            elif fmt == "JPEG":
                clean.save(out, fmt, quality=90)
            else:
                clean.save(out, fmt, **keep)
    return out.getvalue()


def _prepare_evidence(files: Iterable[UploadedFile]) -> list[_Prepared]:
    """Check every file before anything is written: by its bytes (the name proves nothing), its size
    and, for images, by decoding it; images come back re-encoded without their metadata."""
    files = list(files)
    if len(files) > EVIDENCE_MAX_FILES:
        raise ValidationError(
            {"evidence": ValidationError(gettext_lazy("一次最多上传 %(n)s 个文件。"), params={"n": EVIDENCE_MAX_FILES})}
        )
    limit = settings.ATTACHMENT_MAX_BYTES
    prepared = []
    for f in files:
        if (f.size or 0) > limit:
            raise ValidationError(
                {
                    "evidence": ValidationError(
                        gettext_lazy("文件“%(name)s”超过 %(mb)s MB，请压缩后重新上传。"),
                        params={"name": f.name, "mb": limit // (1024 * 1024)},
                    )
                }
            )
        f.seek(0)
        head = f.read(2048)
        f.seek(0)
        content_type = sniff_content_type(head, f.name or "")
        if content_type not in EVIDENCE_TYPES:
            raise ValidationError(
                {
                    "evidence": ValidationError(
                        gettext_lazy(
                            "文件“%(name)s”的格式不受支持：请上传图片（JPG、PNG）、PDF、录音（MP3、M4A、AMR、WAV）"
                            "或视频（MP4、MOV、WEBM）。"
                        ),
                        params={"name": f.name},
                    )
                }
            )
        if content_type in IMAGE_FORMATS:
            try:
                data = _clean_image(f.read(), content_type)
            except (
                OSError,
                SyntaxError,
                ValueError,
                UnidentifiedImageError,
                Image.DecompressionBombWarning,
                Image.DecompressionBombError,
            ):
                raise ValidationError(
                    {
                        "evidence": ValidationError(
                            gettext_lazy("图片“%(name)s”无法读取，请换一张重新上传。"), params={"name": f.name}
                        )
                    }
                ) from None
            prepared.append(_Prepared(ContentFile(data), content_type, len(data), f.name or ""))
        else:
            prepared.append(_Prepared(f, content_type, f.size or 0, f.name or ""))
    return prepared


def _store_evidence(report: Report, prepared: Sequence[_Prepared], message: ReportMessage | None = None) -> None:
    start = report.evidence.count()
    for i, item in enumerate(prepared, start=start + 1):
        extension = EXTENSIONS.get(item.content_type, "")
        if report.anonymous:
            # A file name can carry its author's name ("张三的截图.jpg"): an anonymous report's files are renamed.
            name = _("证据%(n)s") % {"n": i} + extension
        else:
            name = (
                os.path.basename(item.original_name.replace("\\", "/"))[:200] or _("证据%(n)s") % {"n": i} + extension
            )
        evidence = Evidence(
            report=report,
            message=message,
            name=name,
            content_type=item.content_type,
            size=item.size,
            uploaded_at=_now(),
        )
        evidence.file.save(name, item.content, save=False)
        evidence.save()


# ---------------------------------------------------------------------------------------------
# Intake


@_on_the_record
def report_submit(
    *,
    by: User | None,
    subject_kind: str,
    subject_name: str,
    subject_region: Region | None,
    scheme: str,
    subject_uscc: str = "",
    subject_address: str = "",
    institution: Institution | None = None,
    websites: str = "",
    apps: str = "",
    social_accounts: str = "",
    phones: str = "",
    collecting_accounts: str = "",
    promised_return: Decimal | None = None,
    amount: Decimal | None = None,
    people: int | None = None,
    since: str = "",
    promoted_where: str = "",
    anonymous: bool = True,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    wants_reward: bool = False,
    evidence: Iterable[UploadedFile] = (),
) -> tuple[Report, str]:
    """File a report. Returns (report, receipt): the 16-digit receipt exists only in this answer.

    Routed by 条例 Art. 20 to the lead department where the company is registered or the person
    lives (subject_region); a licensed institution named in it also notifies its regulator. A report
    about an entity that already has an open clue joins it at once, but the reporter still sees
    "received": what an officer has decided is theirs to tell, and an instant "clue opened" would let
    anyone learn by reporting a company whether it is already under investigation.
    """
    if subject_kind not in Report.SubjectKind.values:
        raise ValidationError({"subject_kind": gettext_lazy("请选择被举报的是单位还是个人。")})
    subject_name = _text(subject_name, "subject_name", gettext_lazy("请填写被举报单位的名称或个人的姓名。"))
    scheme = _text(
        scheme,
        "scheme",
        ValidationError(gettext_lazy("请用至少 %(n)s 个字描述您了解的情况。"), params={"n": SCHEME_MIN_CHARS}),
        min_chars=SCHEME_MIN_CHARS,
    )
    subject_uscc = _plain(subject_uscc).upper()
    if subject_uscc and not is_valid_uscc(subject_uscc):
        raise ValidationError(
            {"subject_uscc": gettext_lazy("统一社会信用代码应为18位，且校验位正确；不清楚可以不填。")}
        )
    for field, value in (("promised_return", promised_return), ("amount", amount), ("people", people)):
        if value is not None and value < 0:
            raise ValidationError({field: gettext_lazy("不能为负数。")})
    if anonymous:
        # Anonymous means nothing that identifies the reporter is kept, even if the form sent it.
        contact_name = contact_phone = contact_email = ""
        if wants_reward:
            raise ValidationError(
                {"wants_reward": gettext_lazy("举报奖励只发给实名举报人：如需申请奖励，请选择实名举报并留下联系方式。")}
            )
    else:
        contact_name = contact_name.strip()
        contact_phone, contact_email = contact_phone.strip(), contact_email.strip()
        if not contact_name:
            raise ValidationError({"contact_name": gettext_lazy("实名举报请填写您的姓名。")})
        if not contact_phone and not contact_email:
            raise ValidationError({"contact_phone": gettext_lazy("实名举报请至少留下电话或电子邮箱中的一项。")})
    if subject_region is None:
        raise ValidationError({"subject_region": gettext_lazy("请选择被举报单位的注册地或个人的住所地。")})
    received_at = _now()
    on = timezone.localdate(received_at)
    authority = lead_department_for(region=subject_region, on=on)
    if authority is None:
        raise ValidationError(
            {"subject_region": gettext_lazy("该地区暂无处置非法集资牵头部门受理网上举报，请拨打当地举报电话。")}
        )
    # The slow parts, re-encoding images and hashing the receipt, come before the write transaction:
    # on SQLite it holds the database's one write lock.
    prepared = _prepare_evidence(evidence)
    receipt, digest = _new_receipt()
    report = Report(
        received_at=received_at,
        receipt_hash=digest,
        # An account is linked only to a report its owner signs with their name.
        reporter=by if by is not None and not anonymous and by.role == User.Role.CONSUMER else None,
        subject_kind=subject_kind,
        subject_name=subject_name,
        subject_uscc=subject_uscc,
        subject_address=subject_address.strip(),
        subject_region=subject_region,
        institution=institution,
        websites=websites.strip(),
        apps=apps.strip(),
        social_accounts=social_accounts.strip(),
        phones=phones.strip(),
        collecting_accounts=collecting_accounts.strip(),
        scheme=scheme,
        promised_return=promised_return,
        amount=amount,
        people=people,
        since=since.strip(),
        promoted_where=promoted_where.strip(),
        anonymous=anonymous,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        wants_reward=wants_reward,
        authority=authority,
        notified_authority=regulator_for(institution=institution, on=on),
    )
    report.full_clean(exclude=["number", "receipt_hash", "clue", "keys", "risk_reasons"], validate_unique=False)
    report.keys = report_keys(report)
    report.risk_score, report.risk_reasons = risk_score_for(report)
    with transaction.atomic():
        _save_numbered(report, "JB")
        rules = triage_settings_for(on)
        staff = by if by is not None and by.is_staff_member else None
        _event(
            Kind.RECEIVED,
            staff,
            report=report,
            visible=True,
            due=_workdays(rules.triage_workdays),
            data={"authority": authority.name},
        )
        if report.notified_authority_id:
            _event(Kind.REGULATOR_NOTIFIED, None, report=report, data={"authority": report.notified_authority.name})
        clue = _open_clue_sharing(authority.pk, report.keys)
        if clue is not None:
            clue = _lock_clue(clue)
            _join(report, clue)
            report.save(update_fields=["clue"])
            _refresh_clue_risk(clue)
            clue.save(update_fields=["keys", "risk_score", "risk_reasons"])
            _event(Kind.JOINED_CLUE, None, report=report, clue=clue, data={"clue": clue.number})
        _store_evidence(report, prepared)
    return report, receipt


# ---------------------------------------------------------------------------------------------
# The receipt channel


def _status_before_asking(report: Report) -> str:
    asked = report.events.filter(kind=Kind.ASKED).order_by("-at", "-id").first()
    before = (asked.data or {}).get("from", "") if asked else ""
    # A report asked about before anyone reviewed it is under review once the answer comes.
    return before if before in (Status.UNDER_REVIEW, Status.CLUE_OPENED) else Status.UNDER_REVIEW


@_on_the_record
def reporter_message(*, report: Report, body: str, evidence: Iterable[UploadedFile] = ()) -> ReportMessage:
    """The reporter writes through the receipt channel; an answer to a question resumes the triage."""
    body = _text(body, "body", gettext_lazy("请填写留言内容。"))
    prepared = _prepare_evidence(evidence)  # before the write transaction, as in report_submit
    with transaction.atomic():
        report = _lock_report(report)
        if report.status == Status.CLOSED:
            raise ValidationError(gettext_lazy("这件举报已经办结，不能再留言。如有新情况，请提交新的举报。"))
        message = ReportMessage.objects.create(report=report, party=ReportMessage.Party.REPORTER, body=body, at=_now())
        _store_evidence(report, prepared, message)
        if report.status == Status.NEEDS_INFO:
            report.status = _status_before_asking(report)
            report.save(update_fields=["status"])
            rules = triage_settings_for(_today())
            _event(Kind.ANSWERED, None, report=report, visible=True, due=_workdays(rules.triage_workdays))
    return message


@_on_the_record
@transaction.atomic
def officer_message(*, report: Report, by: User, body: str) -> ReportMessage:
    """A message the reporter reads with the receipt: written for the reporter, not a file note."""
    report = _lock_report(report)
    _require_handler(by, report.authority_id)
    body = _text(body, "body", gettext_lazy("请填写留言内容。"))
    return ReportMessage.objects.create(
        report=report, party=ReportMessage.Party.OFFICER, author=by, body=body, at=_now()
    )


# ---------------------------------------------------------------------------------------------
# Triage of a report


@_on_the_record
@transaction.atomic
def report_ask(*, report: Report, by: User, question: str) -> Report:
    """Ask the reporter for more, through the receipt channel; the reporter has working days to answer."""
    report = _lock_report(report)
    _require_handler(by, report.authority_id)
    _require_status(report, (*TRIAGE_STATUSES, Status.CLUE_OPENED))
    question = _text(question, "question", gettext_lazy("请填写需要举报人补充的问题。"))
    before = report.status
    if before == Status.NEEDS_INFO:
        before = _status_before_asking(report)
    report.status = Status.NEEDS_INFO
    report.save(update_fields=["status"])
    rules = triage_settings_for(_today())
    ReportMessage.objects.create(report=report, party=ReportMessage.Party.OFFICER, author=by, body=question, at=_now())
    _event(
        Kind.ASKED, by, report=report, visible=True, data={"from": before}, due=_workdays(rules.ask_reporter_workdays)
    )
    return report


@_on_the_record
@transaction.atomic
def report_review(*, report: Report, by: User) -> Report:
    """An officer starts checking the report (核实)."""
    report = _lock_report(report)
    _require_handler(by, report.authority_id)
    _require_status(report, (Status.RECEIVED, Status.NEEDS_INFO))
    report.status = Status.UNDER_REVIEW
    report.save(update_fields=["status"])
    rules = triage_settings_for(_today())
    _event(Kind.REVIEWING, by, report=report, visible=True, due=_workdays(rules.triage_workdays))
    return report


@_on_the_record
@transaction.atomic
def report_notify_regulator(*, report: Report, by: User) -> Report:
    """Notify the regulator of the licensed institution the report names, as supervised today.

    A report is notified on submission when the institution has a regulator; this is for one that had
    none then, or whose supervisor has changed since (the 2023 reform moved whole sectors)."""
    report = _lock_report(report)
    _require_handler(by, report.authority_id)
    if report.institution_id is None:
        raise ValidationError(gettext_lazy("这件举报没有涉及持牌金融机构，无需通报监管部门。"))
    regulator = regulator_for(institution=report.institution, on=_today())
    if regulator is None:
        raise ValidationError(gettext_lazy("未找到该机构的监管部门，请联系平台管理员维护监管分工。"))
    if report.notified_authority_id == regulator.pk:
        raise ValidationError(
            gettext_lazy("已通报 %(authority)s，无需重复通报。"), params={"authority": regulator.name}
        )
    report.notified_authority = regulator
    report.save(update_fields=["notified_authority"])
    _event(Kind.REGULATOR_NOTIFIED, by, report=report, data={"authority": regulator.name})
    return report


def _close_clue_if_done(clue: Clue, by: User) -> None:
    """A clue whose every report was closed as not fundraising is closed with them."""
    if clue.status in OPEN_CLUE_STATUSES and not clue.reports.exclude(status=Status.CLOSED).exists():
        clue.status = Clue.Status.CLOSED
        clue.closed_at = _now()
        clue.save(update_fields=["status", "closed_at"])
        _event(Kind.CLOSED, by, clue=clue, note=_("线索中的举报均已办结。"))


@_on_the_record
@transaction.atomic
def report_close(*, report: Report, by: User, reason: str) -> Report:
    """Close as not illegal fundraising. The reporter learns that it is closed; the reason stays on file."""
    report = _lock_report(report)
    _require_handler(by, report.authority_id)
    _require_status(report, (*TRIAGE_STATUSES, Status.CLUE_OPENED))
    reason = _text(reason, "reason", gettext_lazy("请写明不属于非法集资的理由。"))
    report.status = Status.CLOSED
    report.save(update_fields=["status"])
    _event(Kind.CLOSED, by, report=report, visible=True)
    _officer_note(by, reason, report=report)
    if report.clue_id:
        _close_clue_if_done(_lock_clue(report.clue), by)
    return report


# ---------------------------------------------------------------------------------------------
# Clues


def _check_assignee(to: User | None, authority_id: int, field: str) -> None:
    if to is not None and not handles(to, authority_id):
        raise ValidationError({field: gettext_lazy("承办人须是负责该线索的处置非法集资部门的工作人员。")})


def _assign(clue: Clue, by: User, to: User) -> None:
    clue.assigned_to = to
    clue.status = Clue.Status.INVESTIGATING
    rules = triage_settings_for(_today())
    _event(
        Kind.ASSIGNED,
        by,
        clue=clue,
        data={"to": str(to), "to_id": to.pk},
        due=_workdays(rules.triage_workdays),
    )


@_on_the_record
@transaction.atomic
def clue_open(*, report: Report, by: User, assign_to: User | None = None) -> Clue:
    """Make the report a clue, or add it to the open clue about the same entity.

    The report's group comes along: every report of the department not yet in a clue that shares an
    identifier with it, directly or through another report (the group the queue shows). Reports of
    the clue still waiting for triage are marked as a clue with this one; a report awaiting the
    reporter's answer joins but keeps waiting.
    """
    report = _lock_report(report)
    _require_handler(by, report.authority_id)
    _require_status(report, TRIAGE_STATUSES)
    _check_assignee(assign_to, report.authority_id, "assign_to")

    pool = list(unassigned_reports(authority_id=report.authority_id).exclude(pk=report.pk).only("pk", "keys"))
    clue = report.clue if report.clue and report.clue.status in OPEN_CLUE_STATUSES else None
    seed_keys = set(report.keys) | set(clue.keys if clue else [])
    seed = "seed"
    groups = connected_groups([(seed, seed_keys), *((r.pk, set(r.keys)) for r in pool)])
    group = [pk for pk in next(g for g in groups if seed in g) if pk != seed]
    group_keys = seed_keys.union(*(set(r.keys) for r in pool if r.pk in group))
    if clue is None:
        clue = _open_clue_sharing(report.authority_id, group_keys)
    if clue is None:
        clue = Clue(authority=report.authority, title=report.subject_name, keys=sorted(group_keys))
        _save_numbered(clue, "XS")
        _event(Kind.CLUE_OPENED, by, clue=clue, data={"report": report.number})
    clue = _lock_clue(clue)

    members = list(Report.objects.select_for_update().filter(pk__in=[report.pk, *group]).order_by("received_at"))
    members += list(Report.objects.select_for_update().filter(clue=clue).exclude(pk__in=[m.pk for m in members]))
    for member in members:
        joined = member.clue_id != clue.pk
        if joined:
            _join(member, clue)
            _event(Kind.JOINED_CLUE, by, report=member, clue=clue, data={"clue": clue.number})
        opens = member.pk == report.pk or member.status in (Status.RECEIVED, Status.UNDER_REVIEW)
        if opens:
            member.status = Status.CLUE_OPENED
            _event(Kind.CLUE_OPENED, by, report=member, visible=True, data={"clue": clue.number})
        if joined or opens:
            member.save(update_fields=["clue", "status"])
    clue.keys = sorted(set(clue.keys).union(*(set(m.keys) for m in members)))
    _refresh_clue_risk(clue)
    if assign_to is not None and assign_to != clue.assigned_to:
        _assign(clue, by, assign_to)
    clue.save()
    return clue


@_on_the_record
@transaction.atomic
def clue_assign(*, clue: Clue, by: User, to: User) -> Clue:
    """Give the clue to an officer (承办人): its verification (核查) starts."""
    clue = _lock_clue(clue)
    _require_handler(by, clue.authority_id)
    _require_open_clue(clue)
    if to is None:
        raise ValidationError({"to": gettext_lazy("请选择承办人。")})
    _check_assignee(to, clue.authority_id, "to")
    if clue.assigned_to_id == to.pk:
        raise ValidationError({"to": gettext_lazy("该线索已由此人承办。")})
    _assign(clue, by, to)
    clue.save(update_fields=["assigned_to", "status"])
    return clue


@_on_the_record
@transaction.atomic
def clue_merge(*, clue: Clue, into: Clue, by: User) -> Clue:
    """Two clues turned out to be one entity: the reports of clue move into `into`, and clue is closed."""
    if clue.pk == into.pk:
        raise ValidationError({"into": gettext_lazy("不能把线索合并到它自己。")})
    # Locks in a fixed order, so two officers merging the same pair in opposite directions cannot deadlock.
    first, second = sorted([clue, into], key=lambda c: c.pk)
    locked = {c.pk: _lock_clue(c) for c in (first, second)}
    clue, into = locked[clue.pk], locked[into.pk]
    _require_handler(by, clue.authority_id)
    _require_handler(by, into.authority_id)
    _require_open_clue(clue)
    _require_open_clue(into)
    if clue.authority_id != into.authority_id:
        raise ValidationError(
            {"into": gettext_lazy("只能合并同一处非部门的线索；属于其他地区的，请先移送该地区处非部门。")}
        )
    moved = list(Report.objects.select_for_update().filter(clue=clue))
    for report in moved:
        _join(report, into)
        report.save(update_fields=["clue"])
        _event(Kind.MERGED, by, report=report, clue=into, data={"from": clue.number, "into": into.number})
    into.keys = sorted(set(into.keys) | set(clue.keys))
    _refresh_clue_risk(into)
    into.save(update_fields=["keys", "risk_score", "risk_reasons"])
    clue.status = Clue.Status.CLOSED
    clue.closed_at = _now()
    clue.save(update_fields=["status", "closed_at"])
    _event(Kind.MERGED, by, clue=clue, data={"into": into.number, "reports": len(moved)})
    _event(Kind.MERGED, by, clue=into, data={"from": clue.number, "reports": len(moved)})
    return into


REFER_POLICE = "police"
REFER_REGION = "region"


@_on_the_record
@transaction.atomic
def clue_refer(*, clue: Clue, by: User, to: str, authority: Authority | None, note: str) -> Clue:
    """Refer to the police (suspected crime) or to another region's lead department (条例 Art. 20).

    A clue referred to another region moves there whole, reports included, and is open again for
    that department to triage; the referring officers no longer see it."""
    clue = _lock_clue(clue)
    _require_handler(by, clue.authority_id)
    _require_open_clue(clue)
    note = _text(note, "note", gettext_lazy("请写明移送的理由和依据。"))
    reports = list(Report.objects.select_for_update().filter(clue=clue).exclude(status=Status.CLOSED))
    if to == REFER_POLICE:
        clue.status = Clue.Status.REFERRED
        clue.save(update_fields=["status"])
        _event(Kind.REFERRED_POLICE, by, clue=clue, note=note)
        for report in reports:
            report.status = Status.REFERRED
            report.save(update_fields=["status"])
            _event(Kind.REFERRED_POLICE, by, report=report, clue=clue, visible=True)
        return clue
    if to != REFER_REGION:
        raise ValidationError({"to": gettext_lazy("请选择移送公安机关或其他地区处非部门。")})
    today = _today()
    if (
        authority is None
        or authority.kind != Authority.Kind.FUNDRAISING
        or authority.valid_from > today
        or (authority.valid_to is not None and authority.valid_to < today)
    ):
        raise ValidationError({"authority": gettext_lazy("请选择接收线索的处置非法集资牵头部门。")})
    if authority.pk == clue.authority_id:
        raise ValidationError({"authority": gettext_lazy("线索已由该部门办理，无需移送。")})
    before = clue.authority
    clue.authority = authority
    clue.status = Clue.Status.OPEN
    clue.assigned_to = None
    clue.save(update_fields=["authority", "status", "assigned_to"])
    _event(Kind.REFERRED_REGION, by, clue=clue, note=note, data={"from": before.name, "to": authority.name})
    for report in reports:
        report.authority = authority
        report.save(update_fields=["authority"])
        _event(
            Kind.REFERRED_REGION,
            by,
            report=report,
            clue=clue,
            visible=True,
            note=_("已移送%(authority)s办理。") % {"authority": authority.name},
        )
    return clue


# ---------------------------------------------------------------------------------------------
# Rewards


def reward_ineligibility(report: Report) -> list[str]:
    """Why the report cannot earn a reward, in plain words; empty when it can.

    The usual local conditions (domain.md §7, e.g. Tianjin): a real-name reporter who asked for the
    reward, the first report of the matter, and a matter confirmed by investigation."""
    reasons = []
    if report.anonymous or not report.contact_name:
        reasons.append(_("举报人未实名举报"))
    if not report.wants_reward:
        reasons.append(_("举报人未申请奖励"))
    if report.clue_id is None:
        reasons.append(_("举报尚未立为线索"))
    else:
        first = report.clue.reports.order_by("received_at", "pk").values_list("pk", flat=True).first()
        if first != report.pk:
            reasons.append(_("不是该线索的首次举报"))
        if report.clue.status not in (Clue.Status.INVESTIGATING, Clue.Status.REFERRED):
            reasons.append(_("线索尚未经核查确认"))
    return reasons


@_on_the_record
@transaction.atomic
def reward_decide(
    *, report: Report, by: User, granted: bool, tier: RewardTier | None, amount: Decimal | None, reason: str
) -> Reward:
    """Grant or refuse a reward; the reporter reads the decision, and its reason, with the receipt."""
    report = _lock_report(report)
    _require_handler(by, report.authority_id)
    if Reward.objects.filter(report=report).exists():
        raise ValidationError(gettext_lazy("这件举报已作出奖励决定。"))
    reason = _text(reason, "reason", gettext_lazy("请写明奖励决定的理由。"))
    if granted:
        unmet = reward_ineligibility(report)
        if unmet:
            raise ValidationError(gettext_lazy("不符合奖励条件：%(reasons)s。"), params={"reasons": "；".join(unmet)})
        if tier is None:
            raise ValidationError({"tier": gettext_lazy("请选择奖励档次。")})
        if amount is None or not tier.min_amount <= amount <= tier.max_amount:
            raise ValidationError(
                {
                    "amount": ValidationError(
                        gettext_lazy("“%(tier)s”的奖励金额应在 %(min)s 元至 %(max)s 元之间。"),
                        params={"tier": tier.name, "min": _money(tier.min_amount), "max": _money(tier.max_amount)},
                    )
                }
            )
        text = _("经审核，您的举报获得奖励 %(amount)s 元（%(tier)s）。工作人员将通过您留下的联系方式通知领取。") % {
            "amount": _money(amount),
            "tier": tier.name,
        }
    else:
        tier, amount = None, None
        text = _("经审核，您的举报未获得奖励。理由：%(reason)s") % {"reason": reason}
    reward = Reward.objects.create(
        report=report, tier=tier, granted=granted, amount=amount, reason=reason, decided_by=by, decided_at=_now()
    )
    _event(
        Kind.REWARD_DECIDED,
        by,
        report=report,
        visible=True,
        note=text,
        data={"granted": granted, "amount": str(amount or ""), "tier": tier.name if tier else ""},
    )
    return reward


# ---------------------------------------------------------------------------------------------
# Audit


def contact_read(*, report: Report, by: User, fields: Sequence[str], purpose: str) -> None:
    """Record that an officer handling the report saw the reporter's contact details in full.

    Only officers of the department handling the report may; a regulator notified of it may not."""
    if not handles(by, report.authority_id):
        raise PermissionDenied(gettext_lazy("只有办理这件举报的处置非法集资部门工作人员可以查看举报人的联系方式。"))
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    if fields:
        ContactRead.objects.create(user=by, report=report, fields=",".join(fields), purpose=purpose[:100], at=_now())
