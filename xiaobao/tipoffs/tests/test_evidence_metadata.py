"""An anonymous reporter's documents and recordings reach the officers without saying who made them,
where, or with which phone."""

import io
import struct

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
