"""An anonymous reporter's documents and recordings reach the officers without saying who made them,
where, or with which phone."""

import io
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from xiaobao.testing import present
from xiaobao.tipoffs.models import Evidence, Report
from xiaobao.tipoffs.tests.base import TipoffsTestCase

AUTHOR = "Wang Xiulan"
LOCATION = b"+43.8868+125.3245/"
MODEL = b"HUAWEI Mate 60 Pro"
MDAT = b"\x00\x00\x00\x02\x09\x10" + bytes(range(200))


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def video_from_a_phone() -> bytes:
    """A short MP4 as phones write it: the Android/3GPP location and model in moov/udta, Apple's
    QuickTime keys in moov/meta, an XMP packet in a uuid box, and the sample data after moov."""
    xyz = box(b"\xa9xyz", struct.pack(">HH", len(LOCATION), 0x15C7) + LOCATION)
    model = box(b"\xa9mod", struct.pack(">HH", len(MODEL), 0) + MODEL)
    keys = box(b"keys", bytes(4) + struct.pack(">I", 1) + box(b"mdta", b"com.apple.quicktime.model"))
    ilst = box(b"ilst", box(struct.pack(">I", 1), box(b"data", bytes(8) + MODEL)))
    meta = box(b"meta", box(b"hdlr", bytes(8) + b"mdta" + bytes(12) + b"\x00") + keys + ilst)
    mvhd = box(b"mvhd", bytes(100))
    trak = box(b"trak", box(b"tkhd", bytes(84)) + box(b"udta", xyz))
    xmp = box(b"uuid", bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC") + b"<x:xmpmeta>" + MODEL + b"</x:xmpmeta>")
    moov = box(b"moov", mvhd + trak + box(b"udta", xyz + model) + meta)
    return box(b"ftyp", b"isom\x00\x00\x02\x00isommp41") + moov + xmp + box(b"mdat", MDAT)


def pdf_with_author() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": AUTHOR, "/Creator": "Microsoft Word - 王秀兰的举报材料.docx"})
    xmp = DecodedStreamObject()
    xmp.set_data(f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{AUTHOR}</dc:creator></x:xmpmeta>'.encode())
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ebml(element: bytes, payload: bytes, *, unknown_size: bool = False) -> bytes:
    size = b"\x01" + b"\xff" * 7 if unknown_size else (0x0100000000000000 | len(payload)).to_bytes(8, "big")
    return element + size + payload


def recording_from_a_browser() -> bytes:
    """A WebM file: a title and writing application in Info, a track name, a Cluster of unknown size as
    MediaRecorder writes it, then tags with a location."""
    header = ebml(b"\x1a\x45\xdf\xa3", ebml(b"\x42\x82", b"webm"))
    info = ebml(
        b"\x15\x49\xa9\x66",
        ebml(b"\x2a\xd7\xb1", b"\x0f\x42\x40") + ebml(b"\x7b\xa9", AUTHOR.encode()) + ebml(b"\x57\x41", MODEL),
    )
    tracks = ebml(b"\x16\x54\xae\x6b", ebml(b"\xae", ebml(b"\xd7", b"\x01") + ebml(b"\x53\x6e", MODEL)))
    cluster = ebml(b"\x1f\x43\xb6\x75", ebml(b"\xe7", b"\x00") + ebml(b"\xa3", MDAT), unknown_size=True)
    tags = ebml(b"\x12\x54\xc3\x67", ebml(b"\x73\x73", ebml(b"\x67\xc8", ebml(b"\x44\x87", LOCATION))))
    return header + ebml(b"\x18\x53\x80\x67", info + tracks + cluster + tags)


def word_file_with_author() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as doc:
        doc.writestr("[Content_Types].xml", "<Types/>")
        doc.writestr(
            "docProps/core.xml",
            f'<cp:coreProperties xmlns:cp="c" xmlns:dc="d"><dc:creator>{AUTHOR}</dc:creator></cp:coreProperties>',
        )
        doc.writestr("docProps/app.xml", "<Properties><Company>长春福寿康</Company></Properties>")
        doc.writestr("word/document.xml", "<w:document>每年返利18%</w:document>")
    return out.getvalue()


def boxes(data: bytes) -> list[tuple[bytes, int]]:
    """The top-level boxes: (type, length)."""
    found, at = [], 0
    while at < len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        found.append((kind, size))
        at += size
    return found


class EvidenceMetadataTests(TipoffsTestCase):
    def upload_anonymously(self, name: str, data: bytes, content_type: str) -> bytes:
        response = self.client.post(
            reverse("api:tipoff-create"),
            {
                "subject_kind": "company",
                "subject_name": "长春福寿康养老服务有限公司",
                "subject_region": "220102",
                "scheme": "在免费健康讲座上发宣传单，称投资养老公寓保本保息，年息18%，稳赚不赔。",
                "anonymous": True,
                "evidence": [SimpleUploadedFile(name, data, content_type)],
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        evidence = Evidence.objects.get(report=Report.objects.get())
        with evidence.file.open("rb") as f:
            return f.read()

    def test_it_removes_the_location_and_phone_model_from_a_video(self) -> None:
        original = video_from_a_phone()
        self.assertIn(LOCATION, original)

        stored = self.upload_anonymously("VID_20261201.mp4", original, "video/mp4")

        self.assertNotIn(LOCATION, stored)
        self.assertNotIn(MODEL, stored)
        self.assertNotIn(b"com.apple.quicktime", stored)
        # Still the same video: the same boxes in the same places, so the sample offsets still point at
        # the frames, and the frames themselves untouched.
        self.assertEqual(
            [(kind if kind != b"uuid" else b"free", size) for kind, size in boxes(original)], boxes(stored)
        )
        self.assertEqual(len(stored), len(original))
        self.assertTrue(stored.endswith(MDAT))

    def test_it_removes_the_author_and_xmp_from_a_pdf(self) -> None:
        original = pdf_with_author()
        self.assertEqual(present(PdfReader(io.BytesIO(original)).metadata)["/Author"], AUTHOR)

        stored = self.upload_anonymously("举报材料.pdf", original, "application/pdf")

        self.assertNotIn(AUTHOR.encode(), stored)
        self.assertNotIn(b"Microsoft Word", stored)
        reader = PdfReader(io.BytesIO(stored))
        self.assertNotIn("/Author", reader.metadata or {})
        self.assertIsNone(reader.xmp_metadata)
        self.assertEqual(len(reader.pages), 1)

    def test_it_removes_the_title_tags_and_writing_application_from_a_browser_recording(self) -> None:
        original = recording_from_a_browser()

        stored = self.upload_anonymously("录音.webm", original, "video/webm")

        for secret in (AUTHOR.encode(), MODEL, LOCATION):
            self.assertNotIn(secret, stored)
        self.assertEqual(len(stored), len(original))
        self.assertIn(MDAT, stored)
        self.assertTrue(stored.startswith(original[:24]))

    def test_it_removes_the_author_and_company_from_a_word_file(self) -> None:
        stored = self.upload_anonymously("材料.docx", word_file_with_author(), "application/octet-stream")

        self.assertNotIn(AUTHOR.encode(), stored)
        with zipfile.ZipFile(io.BytesIO(stored)) as doc:
            self.assertNotIn(AUTHOR, doc.read("docProps/core.xml").decode())
            self.assertNotIn("长春福寿康", doc.read("docProps/app.xml").decode())
            self.assertEqual(doc.read("word/document.xml").decode(), "<w:document>每年返利18%</w:document>")

    def test_it_refuses_a_pdf_it_cannot_read_rather_than_keep_what_it_might_hide(self) -> None:
        response = self.client.post(
            reverse("api:tipoff-create"),
            {
                "subject_kind": "company",
                "subject_name": "长春福寿康养老服务有限公司",
                "subject_region": "220102",
                "scheme": "在免费健康讲座上发宣传单，称投资养老公寓保本保息，年息18%，稳赚不赔。",
                "anonymous": True,
                "evidence": [SimpleUploadedFile("a.pdf", b"%PDF-1.7\n" + b"\x00" * 50, "application/pdf")],
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("evidence", response.json()["errors"])
        self.assertFalse(Report.objects.exists())
