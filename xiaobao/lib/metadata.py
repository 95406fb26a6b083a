"""Identifying metadata removed from the documents and recordings a reporter uploads.

A PDF names its author, the program and often the computer's user in its document information and
XMP packet; a phone's video carries where it was taken (the ISO 6709 location atom ©xyz, Apple's
com.apple.quicktime.location) and the phone's make and model; an MP3 its ID3 tags; a WAV file its
LIST/INFO chunk. Each function returns the file's bytes without them, or raises ValueError when the
file cannot be read well enough to be sure.

Videos are cleaned by a walk over their boxes rather than by mutagen, whose MP4 support rewrites the
iTunes tags (moov/udta/meta/ilst) but leaves the QuickTime location and model boxes beside them.
"""

import io
import struct

import mutagen
import mutagen.apev2
import mutagen.id3
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggspeex import OggSpeex
from mutagen.oggvorbis import OggVorbis
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject

# ---------------------------------------------------------------------------------------------
# PDF


def pdf_without_metadata(data: bytes) -> bytes:
    """The pages copied into a new document: no document information, no XMP, no per-page metadata,
    no authors of comments; text, images and links stay as they were."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted PDF")
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            for key in ("/Metadata", "/PieceInfo", "/LastModified"):
                added.pop(NameObject(key), None)
            for annotation in added.get("/Annots", None) or []:
                annotation = annotation.get_object()
                if annotation.get("/Subtype") != "/Widget":
                    # A comment's /T is the name of the person who wrote it.
                    annotation.pop(NameObject("/T"), None)
        # PdfWriter starts with only its own /Producer; drop that too, it says nothing of the document.
        writer._info = None
        out = io.BytesIO()
        writer.write(out)
    except (PdfReadError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise ValueError(f"unreadable PDF: {exc}") from None
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# MP4, MOV, M4A, 3GP (ISO base media files)

# Boxes that hold only other boxes on the way to the metadata.
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"edts"}
# Boxes of metadata: user data (©xyz location, ©mod model, ©mak make, ©day date, ©too software),
# the iTunes and QuickTime metadata boxes (keys com.apple.quicktime.location.ISO6709, .model, .make)
# and uuid boxes (XMP packets). Their bytes are zeroed and their type renamed to "free", which every
# reader skips: the file keeps its length, so the sample offsets in stco/co64 stay right.
_METADATA = {b"udta", b"meta", b"uuid", b"XMP_"}


def _boxes(data: bytearray, start: int, end: int) -> list[tuple[int, int, int, bytes]]:
    """(offset, header length, total length, type) of each box between start and end."""
    boxes = []
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        header = 8
        if size == 1:
            if at + 16 > end:
                raise ValueError("truncated box header")
            size = struct.unpack(">Q", data[at + 8 : at + 16])[0]
            header = 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise ValueError(f"box {kind!r} runs past its parent")
        boxes.append((at, header, size, kind))
        at += size
    return boxes


def _blank(data: bytearray, at: int, header: int, size: int) -> None:
    data[at + header : at + size] = bytes(size - header)
    data[at + 4 : at + 8] = b"free"


def _strip_boxes(data: bytearray, start: int, end: int, depth: int) -> None:
    for at, header, size, kind in _boxes(data, start, end):
        if kind in _METADATA:
            _blank(data, at, header, size)
        elif kind in _CONTAINERS and depth < 8:
            _strip_boxes(data, at + header, at + size, depth + 1)


def isobmff_without_metadata(data: bytes) -> bytes:
    buffer = bytearray(data)
    _strip_boxes(buffer, 0, len(buffer), 0)
    return bytes(buffer)


# ---------------------------------------------------------------------------------------------
# MP3 and WAV


def mp3_without_metadata(data: bytes) -> bytes:
    """Without ID3 tags (version 1 at the end, version 2 at the start) or an APEv2 tag."""
    buffer = io.BytesIO(data)
    try:
        mutagen.id3.delete(buffer)
        mutagen.apev2.delete(buffer)
    except mutagen.MutagenError as exc:
        raise ValueError(f"unreadable MP3 tags: {exc}") from None
    return buffer.getvalue()


def ogg_without_metadata(data: bytes) -> bytes:
    """Without the comment header's tags (artist, location, encoder settings) of Vorbis, Opus or Speex."""
    buffer = io.BytesIO(data)
    try:
        audio = mutagen.File(buffer, options=[OggVorbis, OggOpus, OggSpeex, OggFLAC])
        if audio is None:
            raise ValueError("not an Ogg Vorbis, Opus, Speex or FLAC file")
        buffer.seek(0)
        audio.delete(buffer)
    except mutagen.MutagenError as exc:
        raise ValueError(f"unreadable Ogg file: {exc}") from None
    return buffer.getvalue()


# The chunks a player needs; LIST (INFO: artist, comment, software, date), id3 and bext (broadcast
# originator) chunks are dropped.
_WAV_KEEP = {b"fmt ", b"fact", b"data", b"cue ", b"smpl"}


def wav_without_metadata(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a RIFF WAVE file")
    kept = bytearray()
    at = 12
    while at + 8 <= len(data):
        kind = data[at : at + 4]
        size = struct.unpack("<I", data[at + 4 : at + 8])[0]
        chunk = data[at : at + 8 + size + (size & 1)]
        if kind in _WAV_KEEP:
            kept += chunk
        at += 8 + size + (size & 1)
    return b"RIFF" + struct.pack("<I", 4 + len(kept)) + b"WAVE" + bytes(kept)
