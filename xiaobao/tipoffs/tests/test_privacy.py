"""A reporter leaves nothing behind: no receipt in clear, no address, no user agent, no photo metadata."""

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin

from xiaobao.tipoffs import services
from xiaobao.tipoffs.models import Evidence, Report
from xiaobao.tipoffs.tests.base import TipoffsTestCase

CLIENT_IP = "203.0.113.9"
USER_AGENT = "Tester/1.0"


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def every_log_line() -> Iterator[list[str]]:
    """Everything logged at any level, SQL statements with their parameters included, as text."""
    handler = _Capture()
    root = logging.getLogger()
    root.addHandler(handler)
    # Django's own loggers stop below INFO: open every configured logger to DEBUG for the duration.
    loggers = [root, *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    levels = [(logger, logger.level) for logger in loggers]
    # Loggers that do not pass records up to the root (django.server, for one) are listened to directly.
    silent = [logger for logger in loggers[1:] if not logger.propagate]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    for logger in silent:
        logger.addHandler(handler)
    debug_cursor = connection.force_debug_cursor
    connection.force_debug_cursor = True  # log every query and its parameters (django.db.backends)
    lines: list[str] = []
    try:
        yield lines
    finally:
        connection.force_debug_cursor = debug_cursor
        root.removeHandler(handler)
        for logger in silent:
            logger.removeHandler(handler)
        for logger, level in levels:
            logger.setLevel(level)
        for record in handler.records:
            extra = " ".join(repr(v) for k, v in vars(record).items() if k != "request")
            lines.append(f"{record.getMessage()} {extra}")


def database_text() -> Iterator[tuple[str, str, str]]:
    """(table, column, value) for every text or binary value in every table, read with a raw cursor."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    if isinstance(value, str):
                        yield table, column, value


def jpeg_with_location() -> bytes:
    """A 40×20 photo taken with the phone turned (EXIF orientation 6), with the camera and GPS position."""
    image = Image.new("RGB", (40, 20), "red")
    exif = image.getexif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (43.0, 53.0, 17.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (125.0, 19.0, 31.0),
        }
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


class ReportTraceTests(TipoffsTestCase):
    def submit_through_the_api(self) -> str:
        payload = {
            "subject_kind": "company",
            "subject_name": "长春福寿康养老服务有限公司",
            "subject_region": "220102",
            "scheme": "在免费健康讲座上发宣传单，称投资养老公寓保本保息，年息18%，稳赚不赔。",
            "promised_return": "18.00",
            "anonymous": True,
        }
        response = self.client.post(
            reverse("api:tipoff-create"),
            payload,
            content_type="application/json",
            REMOTE_ADDR=CLIENT_IP,
            HTTP_USER_AGENT=USER_AGENT,
            HTTP_X_FORWARDED_FOR=CLIENT_IP,
            HTTP_X_REAL_IP=CLIENT_IP,
        )
        self.assertEqual(response.status_code, 201, response.content)
        return response.json()["receipt"]

    def test_it_keeps_no_receipt_address_or_user_agent_in_the_database_or_the_logs(self) -> None:
        with every_log_line() as lines:
            receipt = self.submit_through_the_api()
            lookup = self.client.post(
                reverse("api:tipoff-lookup"),
                {"receipt": receipt},
                content_type="application/json",
                REMOTE_ADDR=CLIENT_IP,
                HTTP_USER_AGENT=USER_AGENT,
            )
            self.assertEqual(lookup.status_code, 200)

        self.assertRegex(receipt, r"^\d{16}$")
        self.assertTrue(any("tipoffs_report" in line for line in lines), "the SQL log was not captured")
        for secret in (receipt, CLIENT_IP, USER_AGENT):
            with self.subTest(secret=secret):
                found = [(t, c) for t, c, value in database_text() if secret in value]
                self.assertEqual(found, [])
                self.assertEqual([line for line in lines if secret in line], [])
        self.assertEqual(Report.objects.count(), 1)

    def test_it_keeps_no_receipt_in_clear_when_a_report_comes_through_the_service(self) -> None:
        _report, receipt = self.file_report()

        self.assertEqual([(t, c) for t, c, value in database_text() if receipt in value], [])


class EvidenceTests(TipoffsTestCase):
    def stored(self, report: Report) -> Evidence:
        return report.evidence.get()

    def test_it_strips_the_location_and_camera_from_a_photo_and_keeps_it_upright(self) -> None:
        original = jpeg_with_location()
        self.assertTrue(Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo))

        report, _r = self.file_report(evidence=[SimpleUploadedFile("IMG_0001.jpg", original, "image/jpeg")])

        evidence = self.stored(report)
        with evidence.file.open("rb") as f:
            data = f.read()
        image = Image.open(io.BytesIO(data))
        self.assertEqual(image.format, "JPEG")
        self.assertEqual(dict(image.getexif()), {})
        self.assertNotIn(b"Exif", data)
        self.assertNotIn(b"PhoneMaker", data)
        self.assertEqual(image.size, (20, 40))
        self.assertEqual((evidence.content_type, evidence.size), ("image/jpeg", len(data)))

    def test_it_strips_text_chunks_from_a_png(self) -> None:
        info = PngImagePlugin.PngInfo()
        info.add_text("Location", "43.88,125.32")
        buffer = io.BytesIO()
        Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(buffer, "PNG", pnginfo=info)

        report, _r = self.file_report(evidence=[SimpleUploadedFile("shot.png", buffer.getvalue(), "image/png")])

        with self.stored(report).file.open("rb") as f:
            data = f.read()
        self.assertNotIn(b"43.88", data)
        self.assertEqual(Image.open(io.BytesIO(data)).mode, "RGBA")

    def test_it_renames_an_anonymous_reporters_files(self) -> None:
        photo = SimpleUploadedFile("王秀兰的照片.jpg", jpeg_with_location(), "image/jpeg")

        report, _r = self.file_report(evidence=[photo])

        self.assertEqual(self.stored(report).name, "证据1.jpg")

    def test_it_accepts_recordings_by_their_bytes(self) -> None:
        mp3 = SimpleUploadedFile("a.bin", b"ID3\x04\x00" + b"\x00" * 100, "application/octet-stream")
        m4a = SimpleUploadedFile("b", b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + b"\x00" * 64, "audio/x-m4a")
        video = SimpleUploadedFile("c.mp4", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00" + b"\x00" * 64, "video/mp4")
        wav = SimpleUploadedFile("d.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64, "audio/wav")
        # An EBML header naming the webm document type, then a Segment of unknown size, as recorders start.
        webm = SimpleUploadedFile(
            "e.webm", b"\x1a\x45\xdf\xa3\x87\x42\x82\x84webm\x18\x53\x80\x67\x01" + b"\xff" * 7, "video/webm"
        )

        report, _r = self.file_report(evidence=[mp3, m4a, video, wav, webm])

        self.assertEqual(
            list(report.evidence.order_by("pk").values_list("content_type", flat=True)),
            ["audio/mpeg", "audio/mp4", "video/mp4", "audio/wav", "video/webm"],
        )

    def test_it_rejects_a_file_whose_bytes_are_not_what_its_name_says(self) -> None:
        fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is a program", "image/jpeg")

        with self.assertRaises(ValidationError) as caught:
            self.file_report(evidence=[fake])

        self.assertIn("evidence", caught.exception.message_dict)
        self.assertFalse(Report.objects.exists())

    def test_it_rejects_a_broken_image(self) -> None:
        broken = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "image/jpeg")

        with self.assertRaises(ValidationError):
            self.file_report(evidence=[broken])

    @override_settings(ATTACHMENT_MAX_BYTES=1024)
    def test_it_rejects_a_file_over_the_size_limit(self) -> None:
        big = SimpleUploadedFile("talk.mp3", b"ID3" + b"\x00" * 2048, "audio/mpeg")

        with self.assertRaises(ValidationError) as caught:
            self.file_report(evidence=[big])

        self.assertIn("evidence", caught.exception.message_dict)

    def test_it_strips_a_photo_sent_later_through_the_receipt_channel_too(self) -> None:
        report, _r = self.file_report()

        services.reporter_message(
            report=report,
            body="补充一张宣传单的照片。",
            evidence=[SimpleUploadedFile("flyer.jpg", jpeg_with_location(), "image/jpeg")],
        )

        evidence = self.stored(report)
        self.assertIsNotNone(evidence.message)
        with evidence.file.open("rb") as f:
            self.assertNotIn(b"Exif", f.read())


class AdminTests(TipoffsTestCase):
    def test_it_never_shows_a_reporters_contact_details_in_the_admin(self) -> None:
        report, _r = self.file_report(**self.named(contact_email="wxl@example.com"))
        services.clue_open(report=report, by=self.fay)
        services.contact_read(report=report, by=self.fay, fields=["contact_name"], purpose="web")
        self.client.force_login(self.ada)

        pages = [
            reverse(f"admin:tipoffs_{model}_changelist")
            for model in ("report", "clue", "reportevent", "reportmessage", "evidence", "reward", "contactread")
        ]
        pages += [
            reverse("admin:tipoffs_report_change", args=[report.pk]),
            *(
                reverse(f"admin:tipoffs_{m}_changelist")
                for m in ("riskkeyword", "benchmarkrate", "triagesettings", "rewardtier")
            ),
        ]
        for url in pages:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                for secret in ("王秀兰", "13904310001", "wxl@example.com", report.receipt_hash):
                    self.assertNotContains(response, secret)
