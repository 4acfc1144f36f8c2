"""Content sniffing and name cleaning for uploaded evidence.

The type of a file is decided by its bytes, from an allowlist; the name's extension plays no
part in the decision. Office zip formats are recognised from the zip's central directory
(and the tiny `mimetype` entry of OpenDocument), never by inflating the document.
"""

from __future__ import annotations

import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .enums import FileKind

CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.DOC: "application/msword",
    FileKind.XLS: "application/vnd.ms-excel",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.ODT: "application/vnd.oasis.opendocument.text",
    FileKind.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
}
ACCEPTED_LABEL = (
    "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), OpenDocument (.odt, .ods), JPEG, PNG"
)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"

# Zip-bomb guards: we never inflate documents, but whatever opens them later (the preview,
# the antivirus, the appraiser's office suite) does.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNCOMPRESSED = 300 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_FREE_BELOW = 2 * 1024 * 1024  # tiny archives may have any ratio

OLE_MAX_DIRECTORY_SECTORS = 512

NAME_MAX_LENGTH = 150
DEFAULT_STEM = "tai-lieu"


@dataclass(frozen=True)
class DetectedType:
    kind: str
    content_type: str

    @property
    def extension(self) -> str:
        return self.kind


def refused_type_error() -> ValidationError:
    return ValidationError(
        _("Loại tệp không được chấp nhận. Chỉ nhận các tệp: %(types)s.")
        % {"types": ACCEPTED_LABEL},
        code="type",
    )


def detect_type(fileobj) -> DetectedType:
    """The allowlisted type of a seekable binary file, or ValidationError."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    kind = None
    if head.startswith(PDF_MAGIC):
        kind = FileKind.PDF
    elif head.startswith(PNG_MAGIC):
        kind = FileKind.PNG
    elif head.startswith(JPEG_MAGIC):
        kind = FileKind.JPEG
    elif head.startswith(OLE2_MAGIC):
        kind = _ole2_kind(fileobj)
    elif head.startswith(ZIP_MAGIC):
        kind = _zip_kind(fileobj)
    fileobj.seek(0)
    if kind is None:
        raise refused_type_error()
    return DetectedType(kind=kind, content_type=CONTENT_TYPES[kind])


def _zip_kind(fileobj) -> str | None:
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    with archive:
        infos = archive.infolist()
        if len(infos) > ZIP_MAX_ENTRIES:
            raise _zip_bomb_error()
        uncompressed = sum(info.file_size for info in infos)
        compressed = sum(info.compress_size for info in infos)
        if uncompressed > ZIP_MAX_UNCOMPRESSED or (
            uncompressed > ZIP_RATIO_FREE_BELOW
            and uncompressed > ZIP_MAX_RATIO * max(compressed, 1)
        ):
            raise _zip_bomb_error()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" in names:
            if any(name.startswith("word/") for name in names):
                return FileKind.DOCX
            if any(name.startswith("xl/") for name in names):
                return FileKind.XLSX
            return None
        mimetype_info = next((i for i in infos if i.filename == "mimetype"), None)
        if mimetype_info is not None and mimetype_info.file_size <= 100:
            try:
                with archive.open(mimetype_info) as entry:
                    mimetype = entry.read(101).strip()
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
                return None
            if mimetype == b"application/vnd.oasis.opendocument.text":
                return FileKind.ODT
            if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
                return FileKind.ODS
    return None


def _zip_bomb_error() -> ValidationError:
    return ValidationError(
        _("Tệp nén có cấu trúc bất thường (dung lượng giải nén quá lớn), đã bị từ chối."),
        code="zip_bomb",
    )


def _ole2_kind(fileobj) -> str | None:
    """Word or Excel 97-2003, from the stream names in the compound file's directory.

    Other OLE2 files (installers .msi, PowerPoint, Outlook messages…) are refused.
    """
    try:
        names = _ole2_stream_names(fileobj)
    except (struct.error, ValueError, OSError):
        return None
    if "WordDocument" in names:
        return FileKind.DOC
    if "Workbook" in names or "Book" in names:
        return FileKind.XLS
    return None


def _ole2_stream_names(fileobj) -> set[str]:
    fileobj.seek(0)
    header = fileobj.read(512)
    if len(header) < 512:
        raise ValueError("short header")
    sector_shift = struct.unpack_from("<H", header, 30)[0]
    if sector_shift not in (9, 12):
        raise ValueError("bad sector size")
    sector_size = 1 << sector_shift
    first_dir_sector = struct.unpack_from("<I", header, 48)[0]
    fat_sectors = list(struct.unpack_from("<109I", header, 76))
    entries_per_fat_sector = sector_size // 4

    def read_sector(number: int) -> bytes:
        fileobj.seek(sector_size + number * sector_size)
        data = fileobj.read(sector_size)
        if len(data) < sector_size:
            raise ValueError("truncated")
        return data

    def next_sector(number: int) -> int:
        fat_index, offset = divmod(number, entries_per_fat_sector)
        if fat_index >= len(fat_sectors) or fat_sectors[fat_index] >= 0xFFFFFFFA:
            raise ValueError("FAT beyond header")
        return struct.unpack_from("<I", read_sector(fat_sectors[fat_index]), offset * 4)[0]

    names: set[str] = set()
    sector = first_dir_sector
    for _i in range(OLE_MAX_DIRECTORY_SECTORS):
        if sector >= 0xFFFFFFFA:  # end of chain
            break
        data = read_sector(sector)
        for start in range(0, sector_size, 128):
            length = struct.unpack_from("<H", data, start + 64)[0]
            if 2 <= length <= 64:
                names.add(data[start : start + length - 2].decode("utf-16-le", "replace"))
        sector = next_sector(sector)
    return names


# --- names -------------------------------------------------------------------------------

_FORBIDDEN = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def safe_basename(raw: str | None) -> str:
    """The last path component of a client-supplied name, without dangerous characters.

    Path components (`/` and `\\`), control and format characters, `..` and leading dots are
    removed; Vietnamese letters are kept (NFC).
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs"})
    name = _FORBIDDEN.sub("", name)
    name = name.replace("..", "")
    name = " ".join(name.split())
    return name.lstrip(". ").rstrip(". ")


def clean_name(raw: str | None, *, extension: str) -> str:
    """A safe display/download name ending with the detected type's extension.

    See `safe_basename`; the client's extension is replaced; at most 150 characters;
    empty → `tai-lieu`.
    """
    name = safe_basename(raw)
    stem = _EXTENSION.sub("", name).rstrip(". ") if "." in name else name
    suffix = f".{extension}"
    stem = stem[: NAME_MAX_LENGTH - len(suffix)].rstrip(". ") or DEFAULT_STEM
    return stem + suffix
