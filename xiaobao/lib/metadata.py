"""Identifying metadata removed from the documents and recordings a reporter uploads.

A PDF names its author, the program and often the computer's user in its document information and
XMP packet; a phone's video carries where it was taken (the ISO 6709 location atom ©xyz, Apple's
com.apple.quicktime.location) and the phone's make and model; an MP3 its ID3 tags; a WAV file its
LIST/INFO chunk; a browser's WebM recording its tags and title; a Word or Excel file its author, last
editor and company. Each function returns the file's bytes without them, or raises ValueError when the
file cannot be read well enough to be sure.

Videos are cleaned by a walk over their boxes rather than by mutagen, whose MP4 support rewrites the
iTunes tags (moov/udta/meta/ilst) but leaves the QuickTime location and model boxes beside them.
"""

import io
import struct
import zipfile

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


# ---------------------------------------------------------------------------------------------
# WebM and Matroska (what browsers record)

_EBML_SEGMENT = 0x18538067
_EBML_CLUSTER = 0x1F43B675
_EBML_VOID = 0xEC
# The elements a Segment holds; a Cluster of unknown size (as MediaRecorder writes) ends where one begins.
_SEGMENT_CHILDREN = {
    0x114D9B74,  # SeekHead
    0x1549A966,  # Info
    0x1654AE6B,  # Tracks
    _EBML_CLUSTER,
    0x1C53BB6B,  # Cues
    0x1941A469,  # Attachments
    0x1043A770,  # Chapters
    0x1254C367,  # Tags
}
# Masters walked into on the way to the metadata.
_EBML_WALK = {_EBML_SEGMENT, 0x1549A966, 0x1654AE6B, 0xAE}  # Segment, Info, Tracks, TrackEntry
# Overwritten with a Void element of the same length, so the SeekHead and Cues positions stay right:
# tags (any text, a location among them), attachments, chapters, the title, the muxing and writing
# applications (a phone's or a program's name and version) and the tracks' names.
_EBML_METADATA = {0x1254C367, 0x1941A469, 0x1043A770, 0x7BA9, 0x4D80, 0x5741, 0x536E}


def _vint(data: bytearray, at: int, *, keep_marker: bool) -> tuple[int, int, bool]:
    """(value, width, unknown) of the variable-length integer at `at`."""
    if at >= len(data):
        raise ValueError("truncated element")
    first = data[at]
    width = 8 - first.bit_length() + 1
    if first == 0 or width > 8 or at + width > len(data):
        raise ValueError("malformed EBML number")
    raw = int.from_bytes(data[at : at + width], "big")
    value = raw if keep_marker else raw & ((1 << (7 * width)) - 1)
    unknown = not keep_marker and value == (1 << (7 * width)) - 1
    return value, width, unknown


def _void(data: bytearray, at: int, total: int) -> None:
    width = 8 if total >= 9 else total - 1
    payload = total - 1 - width
    data[at] = _EBML_VOID
    data[at + 1 : at + 1 + width] = ((1 << (7 * width)) | payload).to_bytes(width, "big")
    data[at + 1 + width : at + total] = bytes(payload)


def _ebml_walk(data: bytearray, start: int, end: int, depth: int) -> None:
    """Blank the metadata between start and end."""
    at = start
    while at < end:
        element, id_width, _unknown = _vint(data, at, keep_marker=True)
        size, size_width, unknown = _vint(data, at + id_width, keep_marker=False)
        payload = at + id_width + size_width
        if unknown:
            if element == _EBML_CLUSTER:
                next_at = _cluster_end(data, payload, end)
            elif element == _EBML_SEGMENT:
                next_at = end
            else:
                raise ValueError("element of unknown size")
        else:
            next_at = payload + size
            if next_at > end:
                raise ValueError("element runs past its parent")
        if element in _EBML_METADATA:
            _void(data, at, next_at - at)
        elif element in _EBML_WALK and depth < 6:
            _ebml_walk(data, payload, next_at, depth + 1)
        at = next_at


def _cluster_end(data: bytearray, start: int, end: int) -> int:
    """Where a Cluster of unknown size ends: at the first Segment-level element after its blocks."""
    at = start
    while at < end:
        element, id_width, _unknown = _vint(data, at, keep_marker=True)
        if element in _SEGMENT_CHILDREN:
            return at
        size, size_width, unknown = _vint(data, at + id_width, keep_marker=False)
        if unknown:
            raise ValueError("block of unknown size")
        at += id_width + size_width + size
    if at > end:
        raise ValueError("block runs past the file")
    return end


def webm_without_metadata(data: bytes) -> bytes:
    buffer = bytearray(data)
    _ebml_walk(buffer, 0, len(buffer), 0)
    return bytes(buffer)


# ---------------------------------------------------------------------------------------------
# Word and Excel (Office Open XML)

# The document properties, replaced by empty ones: author, last editor, company, manager, the
# template's path (often C:\Users\<name>\…), times, and any custom property.
_OFFICE_PROPERTIES = {
    "docProps/core.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>',
    "docProps/app.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>',
    "docProps/custom.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>',
}
# An upload is at most ATTACHMENT_MAX_BYTES compressed; more than this unpacked is a zip bomb.
OFFICE_MAX_UNPACKED = 200 * 1024 * 1024


def office_without_metadata(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            entries = source.infolist()
            if sum(entry.file_size for entry in entries) > OFFICE_MAX_UNPACKED:
                raise ValueError("unpacks to too much")
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
                for entry in entries:
                    content = _OFFICE_PROPERTIES.get(entry.filename) or source.read(entry)
                    # A fixed date: the entries' times say when and in which time zone the file was saved.
                    clean = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
                    clean.compress_type = zipfile.ZIP_DEFLATED
                    target.writestr(clean, content)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise ValueError(f"unreadable Office file: {exc}") from None
    return out.getvalue()
