"""Known phrases of the header and the signing block, to undo OCR's letter slips.

Only for OCR'd text: a title line or the start of an issuer's name that is one or two
letters away from a known phrase ("PHO GLAM ĐỌC", "ỦY BẠN NHÂN DÂN") is replaced by it.
Names of people and places are never touched.
"""

from __future__ import annotations

from .header import fold

AUTHORITY = ("KT.", "TM.", "TL.", "TUQ.", "Q.")
TITLES = (
    "GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "ỦY BAN NHÂN DÂN",
    "UỶ BAN NHÂN DÂN",
    "HỘI ĐỒNG NHÂN DÂN",
    "CHÁNH VĂN PHÒNG",
    "PHÓ CHÁNH VĂN PHÒNG",
    "CHÁNH THANH TRA",
    "PHÓ CHÁNH THANH TRA",
    "TRƯỞNG BAN",
    "PHÓ TRƯỞNG BAN",
    "TRƯỞNG PHÒNG",
    "PHÓ TRƯỞNG PHÒNG",
    "CỤC TRƯỞNG",
    "PHÓ CỤC TRƯỞNG",
    "CHI CỤC TRƯỞNG",
    "PHÓ CHI CỤC TRƯỞNG",
    "HIỆU TRƯỞNG",
    "PHÓ HIỆU TRƯỞNG",
    "THỦ TRƯỞNG",
    "TỔNG GIÁM ĐỐC",
    "GIÁM ĐỐC SỞ",
    "VIỆN TRƯỞNG",
    "BÍ THƯ",
)
BODIES = (
    "ỦY BAN NHÂN DÂN",
    "UỶ BAN NHÂN DÂN",
    "HỘI ĐỒNG NHÂN DÂN",
    "SỞ NỘI VỤ",
    "SỞ TƯ PHÁP",
    "SỞ TÀI CHÍNH",
    "SỞ XÂY DỰNG",
    "SỞ CÔNG THƯƠNG",
    "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    "SỞ Y TẾ",
    "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
    "SỞ DÂN TỘC VÀ TÔN GIÁO",
    "SỞ NGOẠI VỤ",
    "SỞ DU LỊCH",
    "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
    "SỞ KẾ HOẠCH VÀ ĐẦU TƯ",
    "SỞ GIAO THÔNG VẬN TẢI",
    "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
    "VĂN PHÒNG ỦY BAN NHÂN DÂN",
    "VĂN PHÒNG UBND",
    "THANH TRA TỈNH",
    "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP",
    "KHO BẠC NHÀ NƯỚC",
    "BẢO HIỂM XÃ HỘI",
    "CỤC THUẾ",
    "CÔNG AN TỈNH",
    "UBND TỈNH",
    "UBND XÃ",
    "UBND PHƯỜNG",
)


def distance(a: str, b: str) -> int:
    """Levenshtein distance (short strings only)."""
    if a == b:
        return 0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _best_prefix(text: str, phrases: tuple[str, ...], *, whole: bool, allowed: int) -> str:
    """`text` with its start (or all of it, `whole`) replaced by the nearest known phrase."""
    best = None
    for phrase in phrases:
        folded_phrase = fold(phrase)
        spans = [len(text)] if whole else range(len(phrase) - 2, len(phrase) + 3)
        for span in spans:
            if span <= 0 or span > len(text):
                continue
            head = text[:span]
            if not whole and span < len(text) and text[span] not in " ,":
                continue  # a prefix ends at a word boundary
            folded_distance = distance(fold(head), folded_phrase)
            if folded_distance > min(allowed, 1 if len(phrase) < 8 else 2):
                continue
            key = (folded_distance, distance(head, phrase), -len(phrase))
            if best is None or key < best[0]:
                best = (key, phrase, span)
    if best is None:
        return text
    _key, phrase, span = best
    return phrase + text[span:]


def correct_title_line(line: str) -> str:
    authority = next((a for a in AUTHORITY if fold(line).startswith(fold(a))), None)
    if authority:
        rest = line[len(authority) :].strip()
        return f"{authority} {_best_prefix(rest, TITLES, whole=True, allowed=2)}"
    return _best_prefix(line, TITLES, whole=True, allowed=2)


def correct_fields(fields) -> None:
    """Undo letter slips of OCR in the issuer, its parent and the signer's title."""
    if fields.issuer:
        # One letter at most: two known names can be two letters apart.
        fields.issuer = _best_prefix(fields.issuer, BODIES, whole=False, allowed=1)
    if fields.parent_issuer:
        fields.parent_issuer = _best_prefix(fields.parent_issuer, BODIES, whole=False, allowed=1)
    if fields.signer_title:
        fields.signer_title = " / ".join(
            correct_title_line(part) for part in fields.signer_title.split(" / ")
        )
