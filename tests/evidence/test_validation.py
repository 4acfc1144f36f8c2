import io

import pytest
from django.core.exceptions import ValidationError

from evidence.validation import clean_name, detect_type

from . import files


@pytest.mark.parametrize(
    ("content", "kind", "content_type"),
    [
        (files.pdf_bytes(), "pdf", "application/pdf"),
        (
            files.docx_bytes(),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            files.xlsx_bytes(),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (files.odt_bytes(), "odt", "application/vnd.oasis.opendocument.text"),
        (
            files.odt_bytes("application/vnd.oasis.opendocument.spreadsheet"),
            "ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (files.ole2_bytes("WordDocument"), "doc", "application/msword"),
        (files.ole2_bytes("Workbook"), "xls", "application/vnd.ms-excel"),
        (files.png_bytes(), "png", "image/png"),
        (files.jpeg_bytes(), "jpg", "image/jpeg"),
    ],
)
def test_detect_type_allowlisted_content(content, kind, content_type):
    detected = detect_type(io.BytesIO(content))
    assert (detected.kind, detected.content_type) == (kind, content_type)


@pytest.mark.parametrize(
    "content",
    [
        b"<!doctype html><html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"MZ\x90\x00\x03\x00\x00\x00",
        b"",
        b"PK\x03\x04 not really a zip",
        files.plain_zip_bytes(),
        files.odt_bytes("application/vnd.oasis.opendocument.presentation"),
        files.ole2_bytes("PowerPoint Document"),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 truncated",
    ],
    ids=["html", "svg", "exe", "empty", "fake-zip", "plain-zip", "odp", "ppt", "bad-ole2"],
)
def test_detect_type_refuses_other_content(content):
    with pytest.raises(ValidationError) as info:
        detect_type(io.BytesIO(content))
    assert "Chỉ nhận các tệp: PDF" in info.value.messages[0]


def test_detect_type_refuses_zip_bomb():
    with pytest.raises(ValidationError) as info:
        detect_type(io.BytesIO(files.docx_bomb_bytes(16)))
    assert info.value.code == "zip_bomb"


@pytest.mark.parametrize(
    ("raw", "extension", "expected"),
    [
        ("baocao.exe", "pdf", "baocao.pdf"),
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("..\\..\\x.pdf", "pdf", "x.pdf"),
        ("C:\\Users\\a\\Báo cáo quý 4.docx", "docx", "Báo cáo quý 4.docx"),
        ("...hidden", "pdf", "hidden.pdf"),
        ("a\x00b\x1f\u202ec.pdf", "pdf", "abc.pdf"),
        ("..", "pdf", "tai-lieu.pdf"),
        ("", "png", "tai-lieu.png"),
        ("Kế hoạch..v2.pdf", "pdf", "Kế hoạchv2.pdf"),
    ],
)
def test_clean_name_strips_paths_and_controls(raw, extension, expected):
    assert clean_name(raw, extension=extension) == expected


def test_clean_name_limits_length():
    name = clean_name("á" * 400 + ".pdf", extension="pdf")
    assert len(name) == 150 and name.endswith(".pdf")
