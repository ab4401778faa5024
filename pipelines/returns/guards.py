"""File-level guards that run before any parsing: size, type by content, zip expansion, macros, encryption.

The zip checks read only the archive's central directory (names, declared sizes); nothing is decompressed until
every guard has passed. A test makes decompression itself fail to prove the order.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024  # a regional return is a few hundred rows; flat bulk loads are far below this too
MAX_FLAT_FILE_BYTES = 60 * 1024 * 1024
MAX_EXPANDED_BYTES = 250 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 2000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class GuardResult:
    kind: str | None  # "xlsx", "csv" or None when rejected
    code: str | None = None  # the rule that rejected it
    params: dict | None = None


def sniff(path: Path, max_bytes: int = MAX_FLAT_FILE_BYTES) -> GuardResult:
    """Decide what the file is and whether it may be opened."""
    size = path.stat().st_size
    if size == 0:
        return GuardResult(None, "F_EMPTY_FILE", {})
    if size > max_bytes:
        return GuardResult(None, "F_TOO_LARGE", {"size_mb": f"{size / 2**20:.1f}", "limit_mb": f"{max_bytes / 2**20:.0f}"})
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        # An encrypted .xlsx is an OLE compound file holding EncryptionInfo/EncryptedPackage streams.
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data or "EncryptedPackage".encode("utf-16-le") in data:
            return GuardResult(None, "F_ENCRYPTED", {})
        return GuardResult(None, "F_OLD_XLS", {})
    if head.startswith(ZIP_MAGIC):
        return _guard_zip(path)
    if _looks_like_text(path):
        if size > max_bytes:
            return GuardResult(None, "F_TOO_LARGE", {"size_mb": f"{size / 2**20:.1f}", "limit_mb": f"{max_bytes / 2**20:.0f}"})
        return GuardResult("csv")
    return GuardResult(None, "F_NOT_SPREADSHEET", {})


def _guard_zip(path: Path) -> GuardResult:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()  # the central directory only
    except (zipfile.BadZipFile, OSError):
        return GuardResult(None, "F_CORRUPT", {})
    names = {i.filename for i in infos}
    if len(infos) > MAX_ENTRIES:
        return GuardResult(None, "F_ZIP_BOMB", _bomb_params(sum(i.file_size for i in infos)))
    expanded = sum(i.file_size for i in infos)
    worst_ratio = max((i.file_size / max(i.compress_size, 1) for i in infos), default=0)
    if expanded > MAX_EXPANDED_BYTES or worst_ratio > MAX_RATIO:
        return GuardResult(None, "F_ZIP_BOMB", _bomb_params(expanded))
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return GuardResult(None, "F_MACROS", {})
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        return GuardResult(None, "F_NOT_SPREADSHEET", {})
    return GuardResult("xlsx")


def _bomb_params(expanded: int) -> dict:
    return {"expanded_mb": f"{expanded / 2**20:.0f}", "limit_mb": f"{MAX_EXPANDED_BYTES / 2**20:.0f}", "ratio": MAX_RATIO}


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as fh:
        chunk = fh.read(64 * 1024)
    if b"\x00" in chunk:
        return False
    for enc in ("utf-8", "cp1251"):
        try:
            chunk.decode(enc)
            return True
        except UnicodeDecodeError as exc:
            if enc == "utf-8" and exc.start > len(chunk) - 4:  # a character cut by the chunk's end
                return True
    return False
