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


def sniff_content_type(head: bytes, filename: str) -> str | None:
    """The content type proven by the bytes, or None when the file is not one the platform accepts."""
    lower = filename.lower()
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            if content_type == "application/zip":
                return next((t for ext, t in _OFFICE.items() if lower.endswith(ext)), None)
            return content_type
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
