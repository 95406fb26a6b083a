"""PDF documents with correct Chinese text: dossiers, agreements, reports.

A document is a list of blocks, each a (style, content) pair: "title", "h2", "p" and "bullet" take text;
"table" takes a `Table` (header row plus body rows, all text). ReportLab's built-in Adobe-GB1 CID font
(STSong-Light) draws Chinese with no font file on the machine, and PDF readers extract the text from it.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

FONT = "STSong-Light"


@dataclass(frozen=True)
class Table:
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] | None = None  # fractions of the text width; equal columns when None


Block = tuple[str, Any]


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _text(value: Any) -> str:
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


def pdf_document(blocks: Sequence[Block], *, title: str = "") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    font = _font()
    # wordWrap="CJK" breaks lines between Chinese characters, which have no spaces between words.
    styles = {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=26, spaceAfter=8, wordWrap="CJK"),
        "h2": ParagraphStyle(
            "h2", fontName=font, fontSize=14, leading=20, spaceBefore=10, spaceAfter=4, wordWrap="CJK"
        ),
        "p": ParagraphStyle("p", fontName=font, fontSize=11, leading=17, wordWrap="CJK"),
        "bullet": ParagraphStyle("bullet", fontName=font, fontSize=11, leading=17, leftIndent=12, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, wordWrap="CJK"),
    }
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title or next((str(text) for style, text in blocks if style == "title"), ""),
        author="",
        creator="xiaobao",
    )
    story: list[Any] = []
    for style, content in blocks:
        if style == "table":
            count = max(len(content.columns), 1)
            fractions = content.widths or [1 / count] * count
            data = [
                [Paragraph(_text(cell), styles["cell"]) for cell in row] for row in [content.columns, *content.rows]
            ]
            table = PdfTable(data, colWidths=[doc.width * f for f in fractions], repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story += [table, Spacer(1, 3 * mm)]
            continue
        prefix = "• " if style == "bullet" else ""
        story.append(Paragraph(prefix + _text(content), styles[style]))
        if style == "title":
            story.append(Spacer(1, 4 * mm))
    doc.build(story)
    return buffer.getvalue()
