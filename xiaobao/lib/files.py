"""What an uploaded file really is, judged by its first bytes rather than the name it came with."""

# Signatures of the formats a complainant needs: scans and photos, PDFs, office documents.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),  # docx, xlsx: narrowed by extension below
)
_OFFICE = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain", *_OFFICE.values()})

# Recordings a reporter makes on a phone (a sales pitch, a call, a seminar): accepted as evidence of
# illegal fundraising, not as complaint attachments, so they are not in ALLOWED_TYPES.
_MEDIA_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"ID3", "audio/mpeg"),  # MP3 with an ID3v2 tag
    (b"\xff\xfb", "audio/mpeg"),  # MP3 frame sync without a tag: MPEG-1 and MPEG-2 Layer III
    (b"\xff\xf3", "audio/mpeg"),
    (b"\xff\xf2", "audio/mpeg"),
    (b"#!AMR\n", "audio/amr"),  # the call recorders of many Chinese phones
    (b"OggS", "audio/ogg"),
    (b"\x1a\x45\xdf\xa3", "video/webm"),  # EBML: WebM and Matroska, what browsers record
)
# ISO base media files (MP4, M4A, MOV, 3GP) name their brand after "ftyp" at offset 4.
_FTYP_BRANDS = {b"M4A ": "audio/mp4", b"M4B ": "audio/mp4", b"qt  ": "video/quicktime"}
MEDIA_TYPES = frozenset(
    {
        "audio/mpeg",
        "audio/amr",
        "audio/ogg",
        "audio/wav",
        "audio/mp4",
        "video/mp4",
        "video/quicktime",
        "video/3gpp",
        "video/webm",
    }
)


def _sniff_media(head: bytes) -> str | None:
    for signature, content_type in _MEDIA_SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand.startswith(b"3g"):
            return "video/3gpp"
        return _FTYP_BRANDS.get(brand, "video/mp4")
    return None


def sniff_content_type(head: bytes, filename: str) -> str | None:
    """The content type proven by the bytes, or None when the file is not one the platform accepts."""
    lower = filename.lower()
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            if content_type == "application/zip":
                return next((t for ext, t in _OFFICE.items() if lower.endswith(ext)), None)
            return content_type
    media = _sniff_media(head)
    if media is not None:
        return media
    if lower.endswith(".txt"):
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # A cut in the middle of a multi-byte character at the end of the sample is still text.
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return "text/plain"
    return None
