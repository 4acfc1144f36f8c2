"""`manage.py inspect_evidence FILE [FILE ...]`: the contract other systems rely on.

These tests have no database (pytest-django refuses any query): the command needs none."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tests.evidence.corpus import FIELD_NAMES

DOCUMENT_KEYS = list(FIELD_NAMES)  # in the contract's order
SIGNATURE_KEYS = ["signer", "signed_at", "intact", "trusted", "expired", "modified_after_signing"]


def _run(*args) -> list:
    out = io.StringIO()
    call_command("inspect_evidence", *args, stdout=out)
    return json.loads(out.getvalue())


def test_inspect_evidence_prints_one_array_in_the_given_order(corpus):
    names = ["qd-ubnd.pdf", "cv-stp.docx", "hd-snv.odt", "signed-twice.pdf", "chart.png"]
    paths = [str(corpus.folder / name) for name in names]
    result = _run(*paths, "--trust-roots", str(corpus.roots))
    assert [item["file"] for item in result] == paths
    for item in result:
        assert list(item) == ["file", "text_source", "document", "signatures", "warnings"]
        if item["document"] is not None:
            assert list(item["document"]) == DOCUMENT_KEYS
        for signature in item["signatures"]:
            assert list(signature) == SIGNATURE_KEYS
    decision, letter, guidance, signed, chart = result
    # "12/2025/QĐ-UBND": number 12, symbol QĐ-UBND; a UBND has no parent body.
    assert decision["document"] == {
        "number": "12",
        "symbol": "QĐ-UBND",
        "issued_on": "2025-01-05",
        "place": "Hòa Bình Xanh",
        "issuer": "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH XANH",
        "parent_issuer": None,
        "doc_type": "Quyết định",
        "title": "Ban hành Kế hoạch cải cách hành chính tỉnh Hòa Bình Xanh năm 2025",
        "signer": "Phạm Quang Minh",
        "signer_title": "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
    }
    assert decision["text_source"] == "text" and decision["signatures"] == []
    assert decision["warnings"] == ["Văn bản không có chữ ký số."]
    # A công văn: the type in words, the subject without "V/v", 2 lines joined.
    assert letter["document"]["doc_type"] == "Công văn"
    assert letter["document"]["title"] == (
        "đề nghị bổ sung tài liệu kiểm chứng chỉ số cải cách hành chính năm 2025"
    )
    assert letter["document"]["number"] == "45" and letter["document"]["symbol"] == "STP-VP"
    assert guidance["document"]["doc_type"] == "Hướng dẫn"
    assert [s["trusted"] for s in signed["signatures"]] == [True, True]
    assert signed["signatures"][0]["signed_at"].endswith("+00:00")
    assert signed["warnings"] == []
    assert chart["document"] is None and chart["signatures"] == []


def test_inspect_evidence_leading_zeros_drafts_and_two_line_issuers(corpus):
    paths = [str(corpus.folder / n) for n in ("bc-xa.pdf", "kh-stp-draft.pdf", "tb-stttt.pdf")]
    report, draft, notice = _run(*paths)
    assert report["document"]["number"] == "05"
    assert report["document"]["issuer"] == "ỦY BAN NHÂN DÂN XÃ TÂN LẬP"
    assert draft["document"]["number"] is None and draft["document"]["symbol"] == "KH-STP"
    assert "Văn bản là bản dự thảo (chưa có số)." in draft["warnings"]
    assert notice["document"]["issuer"] == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    assert notice["document"]["parent_issuer"] == "UBND TỈNH HÒA BÌNH XANH"
    assert notice["document"]["signer_title"] == "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"


def test_inspect_evidence_without_trust_roots_trusts_no_one(corpus, settings):
    settings.EVIDENCE_TRUST_ROOTS = ""
    [signed] = _run(str(corpus.folder / "signed-valid.pdf"))
    [signature] = signed["signatures"]
    assert signature["intact"] is True and signature["trusted"] is False


def test_inspect_evidence_unopened_file_exits_1(corpus, capsys):
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "inspect_evidence", str(corpus.folder / "kh-snv.pdf"), "/khong/co/tep.pdf", stdout=out
        )
    assert exit_info.value.code == 1
    good, missing = json.loads(out.getvalue())
    assert good["document"]["number"] == "28"
    assert missing["file"] == "/khong/co/tep.pdf" and missing["document"] is None
    assert missing["warnings"][0].startswith("Không mở được tệp")
