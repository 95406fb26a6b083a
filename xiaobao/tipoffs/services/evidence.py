"""Evidence a reporter uploads: checked by its bytes, images re-encoded and documents and recordings
rewritten without their metadata (where taken, by which phone, by whom)."""

import io
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from xiaobao.core.time import now
from xiaobao.lib import metadata
from xiaobao.lib.files import ALLOWED_TYPES, MEDIA_TYPES, sniff_content_type
from xiaobao.tipoffs.models import (
    Evidence,
    Report,
    ReportMessage,
)

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
# How each kind of file is rewritten without its metadata. AMR recordings and plain text carry none.
CLEANERS: dict[str, Callable[[bytes], bytes]] = {
    "application/pdf": metadata.pdf_without_metadata,
    "video/mp4": metadata.isobmff_without_metadata,
    "video/quicktime": metadata.isobmff_without_metadata,
    "video/3gpp": metadata.isobmff_without_metadata,
    "audio/mp4": metadata.isobmff_without_metadata,
    "audio/mpeg": metadata.mp3_without_metadata,
    "audio/wav": metadata.wav_without_metadata,
    "audio/ogg": metadata.ogg_without_metadata,
    "video/webm": metadata.webm_without_metadata,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": metadata.office_without_metadata,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": metadata.office_without_metadata,
}


# Evidence


@dataclass
class PreparedEvidence:
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
            keep: dict[str, Any] = {k: img.info[k] for k in ("transparency", "duration", "loop") if k in img.info}
            clean: Image.Image
            if animated:
                clean = img
            else:
                img.load()
                clean = ImageOps.exif_transpose(img)
                if fmt == "JPEG" and clean.mode not in ("L", "RGB", "CMYK"):
                    clean = clean.convert("RGB")
            clean.info = {k: v for k, v in keep.items()}
            out = io.BytesIO()
            if animated:
                clean.save(out, fmt, save_all=True, **keep)
            elif fmt == "JPEG":
                clean.save(out, fmt, quality=90)
            else:
                clean.save(out, fmt, **keep)
    return out.getvalue()


def evidence_prepare(files: Iterable[UploadedFile]) -> list[PreparedEvidence]:
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
            prepared.append(PreparedEvidence(ContentFile(data), content_type, len(data), f.name or ""))
        elif content_type in CLEANERS:
            try:
                data = CLEANERS[content_type](f.read())
            except ValueError:
                raise ValidationError(
                    {
                        "evidence": ValidationError(
                            gettext_lazy("文件“%(name)s”无法读取，请检查后重新上传。"), params={"name": f.name}
                        )
                    }
                ) from None
            prepared.append(PreparedEvidence(ContentFile(data), content_type, len(data), f.name or ""))
        else:
            prepared.append(PreparedEvidence(f, content_type, f.size or 0, f.name or ""))
    return prepared


def evidence_store(report: Report, prepared: Sequence[PreparedEvidence], message: ReportMessage | None = None) -> None:
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
            uploaded_at=now(),
        )
        evidence.file.save(name, item.content, save=False)
        evidence.save()
