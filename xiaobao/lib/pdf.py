"""PDF documents with correct Chinese glyphs: a dossier, a mediation agreement, any document of lines."""

import io
from typing import Any
from xml.sax.saxutils import escape


def pdf_font() -> str:
    """ReportLab's built-in Adobe-GB1 CID font draws Chinese with no font file on the machine."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    name = "STSong-Light"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


def document_pdf(lines: list[tuple[str, str]]) -> bytes:
    """An A4 document from (style, text) pairs. Styles: title (centred), h2, p, bullet, and right
    (right-aligned, for signatures and dates). The first line's text is the document's title."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = pdf_font()
    # wordWrap="CJK" breaks lines between Chinese characters, which have no spaces between words.
    styles = {
        "title": ParagraphStyle(
            "title", fontName=font, fontSize=18, leading=26, spaceAfter=8, wordWrap="CJK", alignment=TA_CENTER
        ),
        "h2": ParagraphStyle(
            "h2", fontName=font, fontSize=14, leading=20, spaceBefore=10, spaceAfter=4, wordWrap="CJK"
        ),
        "p": ParagraphStyle("p", fontName=font, fontSize=11, leading=17, wordWrap="CJK"),
        "bullet": ParagraphStyle("bullet", fontName=font, fontSize=11, leading=17, leftIndent=12, wordWrap="CJK"),
        "right": ParagraphStyle(
            "right", fontName=font, fontSize=11, leading=17, spaceBefore=6, wordWrap="CJK", alignment=TA_RIGHT
        ),
    }
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=lines[0][1] if lines else "",
        author="",
        creator="xiaobao",
    )
    story: list[Any] = []
    for style, text in lines:
        prefix = "• " if style == "bullet" else ""
        story.append(Paragraph(prefix + escape(str(text)).replace("\n", "<br/>"), styles[style]))
        if style == "title":
            story.append(Spacer(1, 4 * mm))
    doc.build(story)
    return buffer.getvalue()
