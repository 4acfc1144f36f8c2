"""The evidence-reading test corpus: real files made here, each with its ground truth.

Administrative documents in the Decree 30/2020 layout (the two header blocks side by side,
number, place and date, type and subject, body, Nơi nhận, signing block) are written once as
a `Doc` and produced as text PDFs (WeasyPrint), DOCX (python-docx), ODT (its XML), scans
(a PDF page rendered at 150–200 dpi, turned 1–3°, noise and blur, saved as an image-only PDF
or JPEG), a phone photo (perspective, uneven light), PDFs signed with pyHanko by a test CA
made here with `cryptography` (valid, two signatures, content added after signing, bytes
altered, untrusted signer, expired certificate), and images that are no document at all.

Deterministic (fixed texts, seeded noise; only the signatures' keys and times differ between
runs) and built once per test session into a temporary folder (`build_corpus(folder)`).
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

PROVINCE = "Hòa Bình Xanh"
PARENT = "UBND TỈNH HÒA BÌNH XANH"

BODY_SENTENCES = [
    "Thực hiện Kế hoạch cải cách hành chính của Ủy ban nhân dân tỉnh, đơn vị triển khai "
    "đồng bộ các nhiệm vụ cải cách thể chế, cải cách thủ tục hành chính và hiện đại hóa "
    "nền hành chính.",
    "Tăng cường kỷ luật, kỷ cương hành chính; nâng cao chất lượng phục vụ người dân, doanh "
    "nghiệp; công khai, minh bạch thủ tục hành chính trên Cổng dịch vụ công của tỉnh.",
    "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền giải quyết; bảo đảm tỷ lệ hồ "
    "sơ giải quyết đúng hạn đạt từ 98% trở lên.",
    "Đẩy mạnh chuyển đổi số, số hóa hồ sơ, kết quả giải quyết thủ tục hành chính; sử dụng "
    "chữ ký số trong gửi, nhận văn bản điện tử giữa các cơ quan hành chính nhà nước.",
    "Kiểm tra công tác cải cách hành chính tại các phòng, đơn vị trực thuộc; kịp thời chấn "
    "chỉnh những tồn tại, hạn chế được phát hiện qua kiểm tra.",
    "Thủ trưởng các phòng, đơn vị trực thuộc chịu trách nhiệm tổ chức thực hiện kế hoạch "
    "này; định kỳ báo cáo kết quả thực hiện theo quy định.",
]


@dataclass(frozen=True)
class Doc:
    """One administrative document and everything needed to print it."""

    key: str
    issuer_lines: tuple[str, ...]
    parent_lines: tuple[str, ...]
    number: str | None
    symbol: str
    issued: date | None  # None: a draft with the day and month left blank
    doc_type: str  # in words; "Công văn" prints no type line, a V/v subject instead
    title_lines: tuple[str, ...]
    signer_title: tuple[str, ...]
    signer: str
    year_in_number: bool = False
    day_style: str = "pad"  # "pad": ngày 05 tháng 01; "plain": ngày 5 tháng 1
    pages: int = 1
    draft: bool = False
    addressee: str = ""
    authority: str = ""  # a decision's "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …"
    font: str = "Noto Serif"

    @property
    def is_letter(self) -> bool:
        return self.doc_type == "Công văn"

    @property
    def printed_number(self) -> str:
        year = f"{self.issued_year}/" if self.year_in_number else ""
        number = self.number if self.number is not None else "\u00a0" * 8
        return f"Số: {number}/{year}{self.symbol}"

    @property
    def issued_year(self) -> int:
        return self.issued.year if self.issued else 2025

    @property
    def date_line(self) -> str:
        if self.issued is None:
            blank = "\u00a0" * 6
            return f"{PROVINCE}, ngày{blank}tháng{blank}năm {self.issued_year}"
        day, month = self.issued.day, self.issued.month
        if self.day_style == "pad":
            day_text = f"{day:02d}"
            month_text = f"{month:02d}" if month <= 2 else str(month)
        else:
            day_text, month_text = str(day), str(month)
        return f"{PROVINCE}, ngày {day_text} tháng {month_text} năm {self.issued.year}"

    def truth(self) -> dict:
        title = " ".join(self.title_lines)
        return {
            "number": self.number,
            "symbol": self.symbol,
            "issued_on": self.issued.isoformat() if self.issued else None,
            "place": PROVINCE,
            "issuer": " ".join(self.issuer_lines),
            "parent_issuer": " ".join(self.parent_lines) or None,
            "doc_type": self.doc_type,
            "title": title,
            "signer": self.signer,
            "signer_title": " / ".join(self.signer_title),
        }

    def body(self) -> list[str]:
        """Paragraphs: about 8 to a page; the same text every run."""
        count = 3 + 8 * (self.pages - 1)
        return [
            BODY_SENTENCES[i % len(BODY_SENTENCES)] + (" " + BODY_SENTENCES[(i + 2) % 6])
            for i in range(count)
        ]


SO_NOI_VU = ("SỞ NỘI VỤ",)
UBND_TINH = ("ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH XANH")

DOCS = {
    doc.key: doc
    for doc in [
        Doc(
            "kh-snv",
            SO_NOI_VU,
            (PARENT,),
            "28",
            "KH-SNV",
            date(2025, 2, 14),
            "Kế hoạch",
            ("Cải cách hành chính năm 2025",),
            ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
            "Lê Thị Thu Hà",
        ),
        Doc(
            "qd-ubnd",
            UBND_TINH,
            (),
            "12",
            "QĐ-UBND",
            date(2025, 1, 5),
            "Quyết định",
            ("Ban hành Kế hoạch cải cách hành chính", "tỉnh Hòa Bình Xanh năm 2025"),
            ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
            "Phạm Quang Minh",
            year_in_number=True,
            day_style="plain",
            authority="ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH XANH",
        ),
        Doc(
            "cv-stp",
            ("SỞ TƯ PHÁP",),
            (PARENT,),
            "45",
            "STP-VP",
            date(2025, 3, 9),
            "Công văn",
            ("đề nghị bổ sung tài liệu kiểm chứng", "chỉ số cải cách hành chính năm 2025"),
            ("GIÁM ĐỐC",),
            "Trần Văn Minh",
            addressee="Sở Nội vụ tỉnh Hòa Bình Xanh",
        ),
        Doc(
            "bc-xa",
            ("ỦY BAN NHÂN DÂN", "XÃ TÂN LẬP"),
            (),
            "05",
            "BC-UBND",
            date(2025, 6, 30),
            "Báo cáo",
            ("Kết quả thực hiện công tác cải cách hành chính", "6 tháng đầu năm 2025"),
            ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
            "Hoàng Văn Sơn",
        ),
        Doc(
            "tb-stttt",
            ("SỞ KHOA HỌC VÀ", "CÔNG NGHỆ"),
            (PARENT,),
            "7",
            "TB-SKHCN",
            date(2025, 4, 3),
            "Thông báo",
            ("Kết quả kiểm tra công tác cải cách hành chính năm 2025",),
            ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
            "Nguyễn Thị Lan",
            day_style="plain",
            pages=3,
        ),
        Doc(
            "ttr-stc",
            ("SỞ TÀI CHÍNH",),
            (PARENT,),
            "102",
            "TTr-STC",
            date(2025, 11, 20),
            "Tờ trình",
            ("Về việc phân bổ kinh phí thực hiện cải cách hành chính năm 2026",),
            ("GIÁM ĐỐC",),
            "Vũ Đức Thành",
        ),
        Doc(
            "hd-snv",
            SO_NOI_VU,
            (PARENT,),
            "3",
            "HD-SNV",
            date(2025, 1, 8),
            "Hướng dẫn",
            ("Chấm điểm, thẩm định Chỉ số cải cách hành chính", "năm 2025"),
            ("GIÁM ĐỐC",),
            "Đặng Minh Tuấn",
            day_style="plain",
            pages=2,
            font="DejaVu Serif",
        ),
        Doc(
            "kh-stp-draft",
            ("SỞ TƯ PHÁP",),
            (PARENT,),
            None,
            "KH-STP",
            None,
            "Kế hoạch",
            ("Tuyên truyền cải cách hành chính năm 2025",),
            ("GIÁM ĐỐC",),
            "Trần Văn Minh",
            draft=True,
        ),
        Doc(
            "kh-stp-2024",
            ("SỞ TƯ PHÁP",),
            (PARENT,),
            "156",
            "KH-STP",
            date(2024, 12, 27),
            "Kế hoạch",
            ("Cải cách hành chính năm 2025",),
            ("GIÁM ĐỐC",),
            "Trần Văn Minh",
        ),
        Doc(
            "ctr-snnmt",
            ("SỞ NÔNG NGHIỆP VÀ", "MÔI TRƯỜNG"),
            (PARENT,),
            "09",
            "CTr-SNNMT",
            date(2025, 3, 2),
            "Chương trình",
            ("Chuyển đổi số trong giải quyết thủ tục hành chính năm 2025",),
            ("TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"),
            "Bùi Thanh Tùng",
            font="Noto Sans",
        ),
        Doc(
            "bc-stp",
            ("SỞ TƯ PHÁP",),
            (PARENT,),
            "214",
            "BC-STP",
            date(2025, 12, 1),
            "Báo cáo",
            ("Kết quả thực hiện công tác cải cách hành chính năm 2025",),
            ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
            "Ngô Thị Mai",
            day_style="plain",
        ),
        Doc(
            "cv-ubnd-xa",
            ("ỦY BAN NHÂN DÂN", "XÃ HÒA AN"),
            (),
            "61",
            "UBND-VP",
            date(2025, 8, 6),
            "Công văn",
            ("báo cáo số liệu giải quyết thủ tục hành chính",),
            ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
            "Lò Văn Chiến",
            addressee="Văn phòng Ủy ban nhân dân tỉnh",
        ),
    ]
}


def long_doc(pages: int) -> Doc:
    """A plan of `pages` pages (the bench's 50-page scan)."""
    base = DOCS["kh-snv"]
    return Doc(**{**base.__dict__, "key": f"kh-snv-{pages}p", "pages": pages})


# --- HTML → PDF ---------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
@page { @top-center { content: counter(page); font-size: 12pt; } }
@page :first { @top-center { content: none; } }
body { font-family: '%(font)s', serif; font-size: 13.5pt; line-height: 1.35; margin: 0; }
table.two { width: 100%%; border-collapse: collapse; }
table.two td { vertical-align: top; text-align: center; padding: 0; }
.hd { font-size: 12.5pt; line-height: 1.25; }
.b { font-weight: bold; } .i { font-style: italic; }
.rule { width: 30%%; margin: 2pt auto 6pt; border-top: 1px solid #000; height: 0; }
.rule-wide { width: 62%%; margin: 2pt auto 6pt; border-top: 1px solid #000; height: 0; }
.subject { font-size: 12pt; margin-top: 4pt; }
.type { text-align: center; font-weight: bold; font-size: 14pt; margin-top: 22pt; }
.title { text-align: center; font-weight: bold; }
.draft { border: 1.5px solid #000; display: inline-block; padding: 2pt 6pt; font-weight: bold;
         margin-bottom: 6pt; }
.addressee { text-align: center; margin: 16pt 0 10pt; }
p.body { text-align: justify; text-indent: 12mm; margin: 0 0 6pt; }
.sign { margin-top: 18pt; page-break-inside: avoid; }
.recipients { text-align: left; font-size: 11pt; line-height: 1.2; }
.recipients .label { font-size: 12pt; font-weight: bold; font-style: italic; }
.signing { font-weight: bold; font-size: 13.5pt; }
.signature-space { height: 60pt; }
"""


def _br(lines) -> str:
    return "<br>".join(html.escape(line) for line in lines)


def doc_html(doc: Doc) -> str:
    left = []
    if doc.parent_lines:
        left.append(f"<div>{_br(doc.parent_lines)}</div>")
    left.append(f'<div class="b">{_br(doc.issuer_lines)}</div><div class="rule"></div>')
    left.append(f"<div>{html.escape(doc.printed_number)}</div>")
    if doc.is_letter:
        subject = ("V/v " + doc.title_lines[0], *doc.title_lines[1:])
        left.append(f'<div class="subject">{_br(subject)}</div>')
    right = (
        '<div class="b">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>'
        '<div class="b" style="font-size:13.5pt">Độc lập - Tự do - Hạnh phúc</div>'
        '<div class="rule-wide"></div>'
        f'<div class="i">{html.escape(doc.date_line)}</div>'
    )
    parts = ['<div class="draft">DỰ THẢO</div>'] if doc.draft else []
    parts.append(
        f'<table class="two hd"><tr><td style="width:40%">{"".join(left)}</td>'
        f"<td>{right}</td></tr></table>"
    )
    if doc.is_letter:
        parts.append(f'<div class="addressee">Kính gửi: {html.escape(doc.addressee)}</div>')
    else:
        parts.append(f'<div class="type">{html.escape(doc.doc_type.upper())}</div>')
        parts.append(f'<div class="title">{_br(doc.title_lines)}</div>')
        parts.append('<div class="rule"></div>')
        if doc.authority:
            parts.append(f'<div class="title" style="margin:10pt 0">{doc.authority}</div>')
    body = doc.body()
    for index, paragraph in enumerate(body):
        if doc.authority and index == 2:
            parts.append('<div class="title" style="margin:8pt 0">QUYẾT ĐỊNH:</div>')
        prefix = f"Điều {index - 1}. " if doc.authority and index >= 2 else ""
        parts.append(f'<p class="body">{html.escape(prefix + paragraph)}</p>')
    recipients = [
        "- Như trên;",
        "- UBND tỉnh (để b/c);",
        "- Sở Nội vụ;",
        "- Lưu: VT, VP.",
    ]
    parts.append(
        '<table class="two sign"><tr>'
        '<td class="recipients" style="width:45%"><div class="label">Nơi nhận:</div>'
        f"{_br(recipients)}</td>"
        f'<td><div class="signing">{_br(doc.signer_title)}</div>'
        '<div class="signature-space"></div>'
        f'<div class="signing">{html.escape(doc.signer)}</div></td></tr></table>'
    )
    css = CSS % {"font": doc.font}
    return (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>{css}</style>'
        f"</head><body>{''.join(parts)}</body></html>"
    )


def doc_pdf(doc: Doc) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=doc_html(doc)).write_pdf()


# --- DOCX ---------------------------------------------------------------------------------


def doc_docx(doc: Doc) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    def add(container, text, *, bold=False, italic=False, center=True, size=None):
        paragraph = container.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        lines = text.split("\n")
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = Pt(size)
            if index < len(lines) - 1:
                run.add_break()
        return paragraph

    if doc.draft:
        add(document, "DỰ THẢO", bold=True, center=False)
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    if doc.parent_lines:
        add(left, "\n".join(doc.parent_lines), size=12)
    add(left, "\n".join(doc.issuer_lines), bold=True, size=12)
    add(left, doc.printed_number.replace("\u00a0", " "))
    if doc.is_letter:
        add(left, "\n".join(("V/v " + doc.title_lines[0], *doc.title_lines[1:])), size=12)
    right.paragraphs[0].text = ""
    add(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    add(right, "Độc lập - Tự do - Hạnh phúc", bold=True)
    add(right, doc.date_line.replace("\u00a0", " "), italic=True)
    document.add_paragraph()
    if doc.is_letter:
        add(document, f"Kính gửi: {doc.addressee}")
    else:
        add(document, doc.doc_type.upper(), bold=True, size=14)
        add(document, "\n".join(doc.title_lines), bold=True)
        if doc.authority:
            document.add_paragraph()
            add(document, doc.authority, bold=True)
    document.add_paragraph()
    for index, paragraph in enumerate(doc.body()):
        if doc.authority and index == 2:
            add(document, "QUYẾT ĐỊNH:", bold=True)
        prefix = f"Điều {index - 1}. " if doc.authority and index >= 2 else ""
        body = document.add_paragraph(prefix + paragraph)
        body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    signing = document.add_table(rows=1, cols=2)
    recipients, block = signing.rows[0].cells
    recipients.paragraphs[0].text = ""
    add(recipients, "Nơi nhận:", bold=True, italic=True, center=False, size=12)
    add(
        recipients,
        "- Như trên;\n- UBND tỉnh (để b/c);\n- Sở Nội vụ;\n- Lưu: VT, VP.",
        center=False,
        size=11,
    )
    block.paragraphs[0].text = ""
    add(block, "\n".join(doc.signer_title), bold=True)
    for _ in range(3):
        block.add_paragraph()
    add(block, doc.signer, bold=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- ODT ----------------------------------------------------------------------------------

_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'office:version="1.3"'
)


def doc_odt(doc: Doc) -> bytes:
    def p(text, style="P"):
        lines = [html.escape(line) for line in text.split("\n")]
        return f'<text:p text:style-name="{style}">{"<text:line-break/>".join(lines)}</text:p>'

    def cells(*contents):
        inner = "".join(f"<table:table-cell>{c}</table:table-cell>" for c in contents)
        return (
            '<table:table table:name="T"><table:table-column table:number-columns-repeated="2"/>'
            f"<table:table-row>{inner}</table:table-row></table:table>"
        )

    left = ""
    if doc.parent_lines:
        left += p("\n".join(doc.parent_lines), "C")
    left += p("\n".join(doc.issuer_lines), "CB")
    left += p(doc.printed_number.replace("\u00a0", " "), "C")
    if doc.is_letter:
        left += p("\n".join(("V/v " + doc.title_lines[0], *doc.title_lines[1:])), "C")
    right = (
        p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CB")
        + p("Độc lập - Tự do - Hạnh phúc", "CB")
        + p(doc.date_line.replace("\u00a0", " "), "C")
    )
    body = [p("DỰ THẢO", "B")] if doc.draft else []
    body.append(cells(left, right))
    body.append(p(""))
    if doc.is_letter:
        body.append(p(f"Kính gửi: {doc.addressee}", "C"))
    else:
        body.append(p(doc.doc_type.upper(), "CB"))
        body.append(p("\n".join(doc.title_lines), "CB"))
        if doc.authority:
            body.append(p(""))
            body.append(p(doc.authority, "CB"))
    body.append(p(""))
    for index, paragraph in enumerate(doc.body()):
        if doc.authority and index == 2:
            body.append(p("QUYẾT ĐỊNH:", "CB"))
        prefix = f"Điều {index - 1}. " if doc.authority and index >= 2 else ""
        body.append(p(prefix + paragraph, "J"))
    block = p("\n".join(doc.signer_title), "CB") + p("") + p("") + p("") + p(doc.signer, "CB")
    recipients = p("Nơi nhận:", "B") + p(
        "- Như trên;\n- UBND tỉnh (để b/c);\n- Sở Nội vụ;\n- Lưu: VT, VP."
    )
    body.append(cells(recipients, block))
    styles = (
        '<style:style style:name="Centre" style:family="paragraph">'
        '<style:paragraph-properties fo:text-align="center"/></style:style>'
    )
    automatic = (
        '<style:style style:name="C" style:family="paragraph" style:parent-style-name="Centre"/>'
        '<style:style style:name="CB" style:family="paragraph" style:parent-style-name="Centre">'
        '<style:text-properties fo:font-weight="bold"/></style:style>'
        '<style:style style:name="B" style:family="paragraph">'
        '<style:text-properties fo:font-weight="bold"/></style:style>'
        '<style:style style:name="J" style:family="paragraph">'
        '<style:paragraph-properties fo:text-align="justify"/></style:style>'
        '<style:style style:name="P" style:family="paragraph"/>'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS}>'
        f"<office:automatic-styles>{automatic}</office:automatic-styles>"
        f"<office:body><office:text>{''.join(body)}</office:text></office:body>"
        "</office:document-content>"
    )
    styles_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODT_NS}>'
        f"<office:styles>{styles}</office:styles></office:document-styles>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype", (2025, 1, 1, 0, 0, 0)),
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        for name, data in (
            ("content.xml", content),
            ("styles.xml", styles_xml),
            ("META-INF/manifest.xml", manifest),
        ):
            archive.writestr(
                zipfile.ZipInfo(name, (2025, 1, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


# --- scans and photos ---------------------------------------------------------------------


def _page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def render_pages(pdf: bytes, *, dpi: int, pages=None) -> list:
    """PDF pages as greyscale PIL images (pdfium, like a scanner's output)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        indexes = range(len(document)) if pages is None else pages
        images = []
        for index in indexes:
            page = document[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            images.append(bitmap.to_pil().convert("L"))
            bitmap.close()
            page.close()
        return images
    finally:
        document.close()


def scanned(image, *, angle: float, seed: int, noise: float = 14, blur: float = 0.6):
    """A page as a scanner gives it: turned a little, grey paper, noise, soft edges."""
    import numpy as np
    from PIL import Image, ImageFilter

    image = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    rng = np.random.default_rng(seed)
    pixels = np.asarray(image, dtype=np.float32) * 0.92 + 10
    pixels += rng.normal(0, noise, pixels.shape)
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return out.filter(ImageFilter.GaussianBlur(blur)) if blur else out


def photographed(image, *, seed: int):
    """A phone photo of a page on a desk: perspective, light falling off to one side."""
    import numpy as np
    from PIL import Image, ImageFilter

    width, height = image.size
    canvas = Image.new("L", (int(width * 1.12), int(height * 1.1)), 70)
    canvas.paste(image, (int(width * 0.06), int(height * 0.05)))
    w, h = canvas.size
    # Map the output corners to slightly pulled-in source corners (a keystone).
    src = [(w * 0.03, h * 0.02), (w * 0.985, 0), (w, h), (0, h * 0.985)]
    dst = [(0, 0), (w, 0), (w, h), (0, h)]
    coefficients = _perspective(dst, src)
    canvas = canvas.transform((w, h), Image.PERSPECTIVE, coefficients, Image.BICUBIC)
    canvas = canvas.rotate(1.2, resample=Image.BICUBIC, fillcolor=70)
    rng = np.random.default_rng(seed)
    xs = np.linspace(1.0, 0.62, w, dtype=np.float32)[None, :]
    ys = np.linspace(0.95, 1.0, h, dtype=np.float32)[:, None]
    pixels = np.asarray(canvas, dtype=np.float32) * xs * ys
    pixels += rng.normal(0, 6, pixels.shape)
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(0.8)
    )
    return out.convert("RGB")


def _perspective(target, source):
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for pair in source for c in pair], dtype=np.float64)
    return list(np.linalg.solve(a, b))


def image_pdf(images, *, dpi: int) -> bytes:
    """Pages that are only pictures (what a scanner's 'PDF' button makes)."""
    out = io.BytesIO()
    first, *rest = [image.convert("L") for image in images]
    first.save(out, format="PDF", resolution=dpi, save_all=True, append_images=rest, quality=80)
    return out.getvalue()


def jpeg(image, *, dpi: int = 200, quality: int = 82) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, dpi=(dpi, dpi))
    return out.getvalue()


def scan_pdf(doc: Doc, *, dpi: int = 200, angle: float = 1.5, seed: int = 1) -> bytes:
    pages = render_pages(doc_pdf(doc), dpi=dpi)
    return image_pdf(
        [scanned(page, angle=angle, seed=seed + i) for i, page in enumerate(pages)], dpi=dpi
    )


def chart_png() -> bytes:
    """A bar chart (no document): what an agency sometimes attaches as 'evidence'."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1200, 800), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 28)
    except OSError:
        font = ImageFont.load_default()
    draw.line((120, 700, 1150, 700), fill="black", width=3)
    draw.line((120, 700, 120, 80), fill="black", width=3)
    values = [62, 71, 78, 85, 90, 93]
    for index, value in enumerate(values):
        x = 170 + index * 160
        top = 700 - value * 6
        draw.rectangle((x, top, x + 90, 700), fill=(40 + index * 30, 90, 160))
        draw.text((x + 10, top - 40), f"{value}%", fill="black", font=font)
        draw.text((x + 5, 715), str(2019 + index), fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def photo_png() -> bytes:
    """A photo-like picture with no text (a meeting room's colours and shapes)."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(7)
    base = np.zeros((700, 1000, 3), dtype=np.float32)
    base[..., 0] = np.linspace(120, 200, 1000)[None, :]
    base[..., 1] = np.linspace(90, 150, 700)[:, None]
    base[..., 2] = 110
    base += rng.normal(0, 12, base.shape)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(2)
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- a test CA and signed PDFs ------------------------------------------------------------


@dataclass
class TestPki:
    """A root CA (the configured trust root), a foreign root (not configured) and signers."""

    root_pem: bytes
    signers: dict  # name → (asn1 cert, asn1 key, chain)


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kiem thu Chi so CCHC"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(subject, issuer_name, key, issuer_key, *, ca: bool, start, end):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return builder.sign(issuer_key, hashes.SHA256())


def make_pki() -> TestPki:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    now = datetime.now(UTC)
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)

    def key():
        return ec.generate_private_key(ec.SECP256R1())

    def asn1(certificate, private_key=None):
        cert = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
        if private_key is None:
            return cert
        der = private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return cert, asn1_keys.PrivateKeyInfo.load(der)

    root_key, foreign_key = key(), key()
    root_name, foreign_name = _name("Test Root CA CCHC"), _name("Foreign Root CA")
    root = _certificate(
        root_name, root_name, root_key, root_key, ca=True, start=long_ago, end=now + timedelta(3650)
    )
    foreign = _certificate(
        foreign_name,
        foreign_name,
        foreign_key,
        foreign_key,
        ca=True,
        start=long_ago,
        end=now + timedelta(3650),
    )
    signers = {}
    plan = {
        "director": ("Trần Văn Minh", root_name, root_key, root, now - timedelta(365)),
        "agency": ("Sở Tư pháp tỉnh Hòa Bình Xanh", root_name, root_key, root, None),
        "foreign": ("Nguyễn Văn Lạ", foreign_name, foreign_key, foreign, None),
        "expired": ("Lê Văn Cũ", root_name, root_key, root, "expired"),
    }
    for name, (common_name, issuer_name, issuer_key, issuer_cert, start) in plan.items():
        signer_key = key()
        if start == "expired":
            valid_from, valid_to = long_ago, long_ago + timedelta(365)
        else:
            valid_from, valid_to = now - timedelta(365), now + timedelta(730)
        certificate = _certificate(
            _name(common_name),
            issuer_name,
            signer_key,
            issuer_key,
            ca=False,
            start=valid_from,
            end=valid_to,
        )
        cert, private = asn1(certificate, signer_key)
        signers[name] = (cert, private, [asn1(issuer_cert)])
    root_pem = root.public_bytes(serialization.Encoding.PEM)
    return TestPki(root_pem=root_pem, signers=signers)


def sign(pdf: bytes, pki: TestPki, who: str, *, field_name: str = "Signature1") -> bytes:
    """Signed by `who` with pyHanko (in a thread of its own when an event loop runs here:
    pyHanko's synchronous API starts its own, and the browser tests' driver keeps one)."""
    import asyncio
    import concurrent.futures

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _sign(pdf, pki, who, field_name)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_sign, pdf, pki, who, field_name).result()


def _sign(pdf: bytes, pki: TestPki, who: str, field_name: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert, key, chain = pki.signers[who]
    signer = signers.SimpleSigner(
        signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore.from_certs(chain)
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = signers.sign_pdf(
        writer, signers.PdfSignatureMetadata(field_name=field_name), signer=signer
    )
    return out.getvalue()


def add_page_after_signing(signed: bytes) -> bytes:
    """An incremental update that adds a page with text (what a forger would do)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.content import RawContent
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
    )
    content = RawContent(b"BT /F1 14 Tf 72 760 Td (Dieu 9. Noi dung bo sung sau khi ky.) Tj ET")
    stream = writer.add_object(generic.StreamObject(stream_data=content.render()))
    page = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Page"),
            generic.pdf_name("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (0, 0, 595, 842)]
            ),
            generic.pdf_name("/Contents"): stream,
            generic.pdf_name("/Resources"): generic.DictionaryObject(
                {
                    generic.pdf_name("/Font"): generic.DictionaryObject(
                        {generic.pdf_name("/F1"): font}
                    )
                }
            ),
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def alter_signed_bytes(signed: bytes) -> bytes:
    """Change one character inside the signed byte range (the producer's name)."""
    marker = b"WeasyPrint"
    index = signed.find(marker)
    assert index > 0, "the PDF names its producer"
    return signed[:index] + b"WeasyPrinT" + signed[index + len(marker) :]


# --- the corpus ---------------------------------------------------------------------------

TEXT, DOCX, ODT, SCAN, PHOTO, SIGNED, IMAGE = (
    "text",
    "docx",
    "odt",
    "scan",
    "photo",
    "signed",
    "image",
)
FIELD_NAMES = (
    "number",
    "symbol",
    "issued_on",
    "place",
    "issuer",
    "parent_issuer",
    "doc_type",
    "title",
    "signer",
    "signer_title",
)


@dataclass
class Sample:
    name: str  # file name in the corpus folder
    fmt: str  # TEXT, DOCX, ODT, SCAN, PHOTO, SIGNED, IMAGE
    document: dict | None  # the true fields; None: not an administrative document
    signatures: list[dict] = field(default_factory=list)  # true verdicts, in signing order
    draft: bool = False
    doc_key: str = ""
    first_page_only: bool = False  # an image of page 1 of a longer document: no signing block

    def path(self, folder: Path) -> Path:
        return folder / self.name


def _verdict(signer, *, intact=True, trusted=True, expired=False, modified=False) -> dict:
    return {
        "signer": signer,
        "intact": intact,
        "trusted": trusted,
        "expired": expired,
        "modified_after_signing": modified,
    }


def build_corpus(folder: Path) -> tuple[list[Sample], Path]:
    """Write every file into `folder`; returns the samples and the trust-roots PEM path."""
    folder.mkdir(parents=True, exist_ok=True)
    samples: list[Sample] = []
    pdfs = {key: doc_pdf(doc) for key, doc in DOCS.items()}
    for key, pdf in pdfs.items():
        pages = _page_count(pdf)
        assert pages == DOCS[key].pages, f"{key}: {pages} pages, the truth says {DOCS[key].pages}"

    def add(name, data, fmt, doc_key="", signatures=(), first_page_only=False):
        (folder / name).write_bytes(data)
        doc = DOCS.get(doc_key)
        truth = doc.truth() if doc else None
        if truth and first_page_only and doc.pages > 1:
            truth.update(signer=None, signer_title=None)
        samples.append(
            Sample(
                name=name,
                fmt=fmt,
                document=truth,
                signatures=list(signatures),
                draft=bool(doc and doc.draft),
                doc_key=doc_key,
                first_page_only=first_page_only,
            )
        )

    # Text PDFs: every document.
    for key, pdf in pdfs.items():
        add(f"{key}.pdf", pdf, TEXT, key)
    # DOCX and ODT.
    for key in ("kh-snv", "qd-ubnd", "cv-stp", "bc-xa", "tb-stttt", "kh-stp-draft", "ctr-snnmt"):
        add(f"{key}.docx", doc_docx(DOCS[key]), DOCX, key)
    for key in ("hd-snv", "cv-ubnd-xa", "ttr-stc", "bc-stp"):
        add(f"{key}.odt", doc_odt(DOCS[key]), ODT, key)
    # Scans: image-only PDFs at 150–200 dpi, turned 1–3°, and JPEGs.
    scans = [
        ("kh-stp-2024", 200, 1.5, "pdf"),
        ("qd-ubnd", 200, -2.0, "pdf"),
        ("cv-stp", 150, 1.0, "pdf"),
        ("bc-xa", 180, -1.2, "pdf"),
        ("tb-stttt", 200, 2.5, "pdf"),
        ("kh-snv", 200, -3.0, "jpg"),
        ("ttr-stc", 150, 2.0, "jpg"),
        ("cv-ubnd-xa", 200, 1.8, "jpg"),
        ("kh-stp-draft", 200, -1.5, "pdf"),
    ]
    for index, (key, dpi, angle, kind) in enumerate(scans):
        pages = render_pages(pdfs[key], dpi=dpi)
        turned = [scanned(p, angle=angle, seed=10 * index + i) for i, p in enumerate(pages)]
        if kind == "pdf":
            add(f"{key}-scan-{dpi}.pdf", image_pdf(turned, dpi=dpi), SCAN, key)
        else:
            add(f"{key}-scan-{dpi}.jpg", jpeg(turned[0], dpi=dpi), SCAN, key, first_page_only=True)
    # A page fed sideways (a quarter turn: the orientation check).
    sideways = scanned(render_pages(pdfs["hd-snv"], dpi=200, pages=[0])[0], angle=0.8, seed=99)
    add(
        "hd-snv-sideways.jpg",
        jpeg(sideways.rotate(90, expand=True)),
        SCAN,
        "hd-snv",
        first_page_only=True,
    )
    # A phone photo.
    page = render_pages(pdfs["bc-stp"], dpi=170, pages=[0])[0]
    add(
        "bc-stp-photo.jpg",
        jpeg(photographed(page, seed=5), quality=85),
        PHOTO,
        "bc-stp",
        first_page_only=True,
    )
    # Signed PDFs.
    pki = make_pki()
    roots = folder / "trust-roots.pem"
    roots.write_bytes(pki.root_pem)
    plan = pdfs["kh-stp-2024"]
    director = pki.signers["director"][0].subject.native["common_name"]
    agency = pki.signers["agency"][0].subject.native["common_name"]
    valid = sign(plan, pki, "director")
    add("signed-valid.pdf", valid, SIGNED, "kh-stp-2024", [_verdict(director)])
    twice = sign(valid, pki, "agency", field_name="Signature2")
    add("signed-twice.pdf", twice, SIGNED, "kh-stp-2024", [_verdict(director), _verdict(agency)])
    add(
        "signed-then-page-added.pdf",
        add_page_after_signing(valid),
        SIGNED,
        "kh-stp-2024",
        [_verdict(director, modified=True)],
    )
    add(
        "signed-bytes-altered.pdf",
        alter_signed_bytes(valid),
        SIGNED,
        "kh-stp-2024",
        [_verdict(director, intact=False)],
    )
    add(
        "signed-untrusted.pdf",
        sign(pdfs["bc-stp"], pki, "foreign"),
        SIGNED,
        "bc-stp",
        [_verdict("Nguyễn Văn Lạ", trusted=False)],
    )
    add(
        "signed-expired.pdf",
        sign(pdfs["kh-snv"], pki, "expired"),
        SIGNED,
        "kh-snv",
        [_verdict("Lê Văn Cũ", expired=True)],
    )
    # Not documents.
    add("chart.png", chart_png(), IMAGE)
    add("photo.png", photo_png(), IMAGE)
    (folder / "truth.json").write_text(
        json.dumps([s.__dict__ for s in samples], ensure_ascii=False, indent=1)
    )
    return samples, roots
