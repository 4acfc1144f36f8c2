"""Warnings as data ({"code", …params}) and their plain Vietnamese text.

Stored as codes with their parameters so that a page shows them in the reader's language;
`warning_text` renders one. The reading's own warnings (about the file itself) are made
here; the checks against the dossier and the criterion (evidence.checks) use the same form.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TEXTS = {
    # about the file itself
    "unsupported_type": _("Chưa đọc được nội dung loại tệp này (%(kind)s)."),
    "unreadable": _("Không đọc được chữ nào trong tệp."),
    "ocr_unavailable": _("Máy chủ chưa nhận dạng được chữ trong bản quét (thiếu Tesseract)."),
    "not_document": _(
        "Tệp không phải là văn bản hành chính (không thấy số, ngày ban hành hay tên loại)."
    ),
    "draft": _("Văn bản là bản dự thảo (chưa có số)."),
    "no_number": _("Không đọc được số, ký hiệu của văn bản."),
    "no_date": _("Không đọc được ngày ban hành của văn bản."),
    "unsigned": _("Văn bản không có chữ ký số."),
    "signature_broken": _(
        "Chữ ký số của %(signer)s không còn nguyên vẹn: nội dung đã ký bị thay đổi."
    ),
    "signature_untrusted": _(
        "Chữ ký số của %(signer)s không xác thực được với chứng thư số gốc tin cậy."
    ),
    "signature_expired": _("Chứng thư số của %(signer)s đã hết hiệu lực khi ký."),
    "signature_modified": _("Văn bản bị thêm hoặc sửa nội dung sau khi %(signer)s ký số."),
    # against the dossier and the criterion (evidence.checks)
    "outside_year": _("Văn bản ban hành ngày %(date)s, ngoài năm đánh giá %(year)s."),
    "after_deadline": _("Văn bản ban hành ngày %(date)s, sau hạn nộp hồ sơ (%(deadline)s)."),
    "issued_too_late": _(
        "Tiêu chí %(leaf)s yêu cầu văn bản ban hành chậm nhất ngày %(limit)s; "
        "văn bản ban hành ngày %(date)s."
    ),
    "issued_too_early": _(
        "Tiêu chí %(leaf)s yêu cầu văn bản ban hành từ ngày %(limit)s; "
        "văn bản ban hành ngày %(date)s."
    ),
    "wrong_type": _("Tiêu chí %(leaf)s cần %(expected)s; tệp này là %(doc_type)s."),
    "not_own_issuer": _(
        "Tiêu chí %(leaf)s cần văn bản do chính đơn vị ban hành; văn bản này do %(issuer)s "
        "ban hành."
    ),
    "other_unit_issuer": _("Văn bản do đơn vị khác ban hành (%(issuer)s)."),
    "same_number": _(
        "Số, ký hiệu %(reference)s của %(issuer)s trùng với một tệp khác có nội dung khác%(where)s."
    ),
    "same_file_other_unit": _("Cùng tệp này cũng có trong hồ sơ của đơn vị khác."),
}
UNKNOWN_SIGNER = _("người ký")


def warning(code: str, **params) -> dict:
    return {"code": code, **{k: ("" if v is None else v) for k, v in params.items()}}


def warning_text(item: dict) -> str:
    template = TEXTS.get(item.get("code", ""))
    if template is None:
        return str(item.get("text") or item.get("code") or "")
    params = {k: v for k, v in item.items() if k != "code"}
    if "signer" in params and not params["signer"]:
        params["signer"] = str(UNKNOWN_SIGNER)
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)
