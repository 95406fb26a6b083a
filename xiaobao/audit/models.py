"""The audit trail: one append-only table whose rows are chained by SHA-256, so an edited or removed
row shows up when the chain is walked (GB/T 22239-2019 level 3, 安全审计; PIPL art. 54)."""

import hashlib
import json
from datetime import UTC
from typing import Any, NoReturn

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The previous hash of the very first record, before anything was purged.
GENESIS = "0" * 64


class Record(models.Model):
    """One audited act: when, who, from which address, what kind, on what object, which field or file."""

    class Kind(models.TextChoices):
        PERSONAL_DATA = "personal_data", _("查看个人信息")
        DOWNLOAD = "download", _("下载附件")
        SIGN_IN = "sign_in", _("登录成功")
        SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
        SIGN_OUT = "sign_out", _("退出登录")
        PERMISSION = "permission", _("权限变更")
        EXPORT = "export", _("数据导出")
        ADMIN_CHANGE = "admin_change", _("后台修改")
        PURGE = "purge", _("审计记录清理")

    at = models.DateTimeField(_("时间"), db_index=True)
    # No database constraint and nothing done on delete: removing an account must neither fail on its
    # trail nor change a row of it; the username beside it says who it was.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("用户"),
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    field = models.CharField(_("字段或文件"), max_length=200, blank=True)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    prev_hash = models.CharField(_("前一条记录的哈希"), max_length=64)
    hash = models.CharField(_("本条记录的哈希"), max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.pk} {self.kind} {self.username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("audit records are written once and never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("audit records are removed only by the retention purge")

    def content(self) -> dict[str, Any]:
        """What the hash covers: every column but the row id and the hash itself."""
        return {
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "user": self.user_id,
            "username": self.username,
            "address": self.address or "",
            "kind": self.kind,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "field": self.field,
            "detail": self.detail,
            "prev": self.prev_hash,
        }

    def computed_hash(self) -> str:
        text = json.dumps(self.content(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def object_label(self) -> str:
        """The object's kind in words (投诉, 纠纷, 举报…), from the model the record names."""
        if not self.object_type:
            return ""
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type


class Chain(models.Model):
    """The one row every writer locks: the newest record's hash, and the anchor the oldest kept record
    must point at (the genesis value until a purge removes the oldest records)."""

    head_hash = models.CharField(max_length=64, default=GENESIS)
    anchor_hash = models.CharField(max_length=64, default=GENESIS)
    purged_before = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("审计链")
        verbose_name_plural = _("审计链")

    def __str__(self) -> str:
        return self.head_hash
