"""Checks on the files people upload, shared by every app that takes attachments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy

from xiaobao.lib.files import ALLOWED_TYPES, sniff_content_type

# Enough bytes for every signature xiaobao.lib.files recognises.
HEAD_BYTES = 2048


def attachment_validate(f: UploadedFile) -> None:
    """Files are judged by their bytes and size; the name a browser sends proves nothing."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if (f.size or 0) > limit:
        raise ValidationError(
            gettext_lazy("附件“%(name)s”超过 %(mb)s MB，请压缩后重新上传。"),
            params={"name": f.name, "mb": limit // (1024 * 1024)},
        )
    if attachment_type(f) not in ALLOWED_TYPES:
        raise ValidationError(
            gettext_lazy("附件“%(name)s”的格式不受支持：请上传 PDF、JPG、PNG、Word、Excel 或文本文件。"),
            params={"name": f.name},
        )


def attachment_type(f: UploadedFile) -> str | None:
    """The content type the file's first bytes show, or None; the file is left at its start."""
    head = f.read(HEAD_BYTES)
    f.seek(0)
    return sniff_content_type(head, f.name or "")
