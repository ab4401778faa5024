"""File-level guards that run before any parsing: size, type by content, zip expansion, active content, encryption.

The zip checks read only the archive's central directory (names, declared sizes); nothing is decompressed until
the size and expansion guards have passed (a test makes decompression itself fail to prove the order). Then active
content is refused from what the package declares, before any sheet is parsed: VBA projects, Excel 4.0 macro
sheets, ActiveX controls, embedded OLE objects, external links and DDE (see ``_active_content``).
"""

from __future__ import annotations

import re
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
        if (
            "EncryptionInfo".encode("utf-16-le") in data
            or b"EncryptedPackage" in data
            or "EncryptedPackage".encode("utf-16-le") in data
        ):
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
    for n in sorted(names):  # the usual part names: decided from the directory alone, nothing decompressed
        if n.lower().endswith("vbaproject.bin"):
            return _active("F_MACROS", n)
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        return GuardResult(None, "F_NOT_SPREADSHEET", {})
    found = _active_content(path, infos)
    return found or GuardResult("xlsx")


def _active(code: str, part: str, where: str | None = None) -> GuardResult:
    """A refusal naming where the active content is: the sheet that holds it when there is one, else its part."""
    return GuardResult(None, code, {"part": part, "where": where or part})


# Active content is recognised by what the package declares it to be, not by part names (a VBA project can be
# stored as ``xl/x.dat``): content types in ``[Content_Types].xml`` (Default by extension and Override by part),
# relationship types in every ``_rels/*.rels``, and, for names Excel itself uses, the folder. Order of the checks:
# the most dangerous first, so a file with several kinds is refused for the worst one.
_CT_RULES: list[tuple[str, re.Pattern]] = [
    ("F_MACROS", re.compile(r"vbaProject|macroEnabled|vbaData|ms-office\.vba", re.I)),
    ("F_XLM_MACROS", re.compile(r"macrosheet|intlmacrosheet", re.I)),
    ("F_ACTIVEX", re.compile(r"activeX", re.I)),
    ("F_OLE_OBJECT", re.compile(r"oleObject", re.I)),
    ("F_EXTERNAL_LINK", re.compile(r"externalLink", re.I)),
]
_REL_RULES: list[tuple[str, re.Pattern]] = [
    ("F_MACROS", re.compile(r"/vbaProject$|/wordVbaData$|/vbaProjectSignature", re.I)),
    ("F_XLM_MACROS", re.compile(r"/(xlMacrosheet|xlIntlMacrosheet)$", re.I)),
    ("F_ACTIVEX", re.compile(r"/(control|activeXControl|activeXControlBinary)$", re.I)),
    ("F_OLE_OBJECT", re.compile(r"/(oleObject|package)$", re.I)),
    ("F_EXTERNAL_LINK", re.compile(r"/(externalLink|externalLinkPath|xlExternalLinkPath)$", re.I)),
]
_FOLDER_RULES = [
    ("F_XLM_MACROS", "xl/macrosheets/"),
    ("F_ACTIVEX", "xl/activex/"),
    ("F_OLE_OBJECT", "xl/embeddings/"),
    ("F_EXTERNAL_LINK", "xl/externallinks/"),
]
_ORDER = ["F_MACROS", "F_DDE", "F_XLM_MACROS", "F_ACTIVEX", "F_OLE_OBJECT", "F_EXTERNAL_LINK"]
_MAX_PART_READ = 4 * 1024 * 1024  # package parts read here are a few KB; the zip guards bounded them anyway


def _active_content(path: Path, infos: list[zipfile.ZipInfo]) -> GuardResult | None:
    """Refuse VBA projects, Excel 4.0 macro sheets, ActiveX, embedded OLE objects, external links and DDE, decided
    from the package's content types and relationships. Reads only ``[Content_Types].xml``, the ``.rels`` parts,
    ``xl/workbook.xml`` (sheet names) and external-link parts (to tell DDE from a link to a file); no sheet."""
    hits: dict[str, tuple[str, str | None]] = {}  # code -> (part, sheet it sits on)
    sizes = {i.filename: i.file_size for i in infos}

    def read(name: str) -> str:
        if name not in sizes or sizes[name] > _MAX_PART_READ:
            return ""
        return zf.read(name).decode("utf-8", "replace")

    with zipfile.ZipFile(path) as zf:
        names = [i.filename for i in infos]
        for code, folder in _FOLDER_RULES:
            part = next((n for n in names if n.lower().startswith(folder)), None)
            if part is not None:
                hits.setdefault(code, (part, None))
        types = read("[Content_Types].xml")
        by_ext = {
            m.group(1).lower(): m.group(2)
            for m in re.finditer(r'<Default\b[^>]*Extension="([^"]+)"[^>]*ContentType="([^"]+)"', types)
        }
        by_ext |= {
            m.group(2).lower(): m.group(1)
            for m in re.finditer(r'<Default\b[^>]*ContentType="([^"]+)"[^>]*Extension="([^"]+)"', types)
        }
        overrides = {
            m.group(1).lstrip("/"): m.group(2)
            for m in re.finditer(r'<Override\b[^>]*PartName="([^"]+)"[^>]*ContentType="([^"]+)"', types)
        }
        overrides |= {
            m.group(2).lstrip("/"): m.group(1)
            for m in re.finditer(r'<Override\b[^>]*ContentType="([^"]+)"[^>]*PartName="([^"]+)"', types)
        }
        for name in names:
            ctype = overrides.get(name) or by_ext.get(name.rsplit(".", 1)[-1].lower(), "")
            for code, rule in _CT_RULES:
                if ctype and rule.search(ctype):
                    hits.setdefault(code, (name, None))
        # Relationships: which sheet points at which part, and any active relationship type.
        sheet_titles = _sheet_titles(read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels"))
        for rels in (n for n in names if n.endswith(".rels")):
            source = _rels_source(rels)
            for m in re.finditer(r"<Relationship\b[^>]*>", read(rels)):
                rel = m.group(0)
                rtype = _attr(rel, "Type") or ""
                target = _resolve(source, _attr(rel, "Target") or "", _attr(rel, "TargetMode"))
                for code, rule in _REL_RULES:
                    if rule.search(rtype):
                        where = sheet_titles.get(source) or sheet_titles.get(target)
                        if code not in hits or (where and hits[code][1] is None):
                            hits[code] = (target or rels, where)
        for code in ("F_EXTERNAL_LINK",):
            if code in hits:
                for name in names:
                    ctype = overrides.get(name, "")
                    if ("externalLink" in ctype or name.lower().startswith("xl/externallinks/")) and "<ddeLink" in read(name):
                        hits["F_DDE"] = (name, None)
    for code in _ORDER:
        if code in hits:
            part, where = hits[code]
            return _active(code, part, where)
    return None


def _attr(tag: str, name: str) -> str | None:
    m = re.search(rf'\b{name}="([^"]*)"', tag)
    return m.group(1) if m else None


def _rels_source(rels: str) -> str:
    """``xl/worksheets/_rels/sheet1.xml.rels`` -> ``xl/worksheets/sheet1.xml``."""
    folder, _, file = rels.rpartition("_rels/")
    return folder + file[: -len(".rels")]


def _resolve(source: str, target: str, mode: str | None) -> str:
    if mode == "External" or not target:
        return target
    if target.startswith("/"):
        return target.lstrip("/")
    parts = source.split("/")[:-1]
    for piece in target.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _sheet_titles(workbook: str, rels: str) -> dict[str, str]:
    """Sheet part -> the sheet's name as the officer sees it (macro sheets included)."""
    targets = {}
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        rid, target = _attr(m.group(0), "Id"), _attr(m.group(0), "Target")
        if rid and target:
            targets[rid] = _resolve("xl/workbook.xml", target, _attr(m.group(0), "TargetMode"))
    out = {}
    for m in re.finditer(r"<sheet\b[^>]*>", workbook):
        title, rid = _attr(m.group(0), "name"), _attr(m.group(0), "r:id")
        if title and rid in targets:
            out[targets[rid]] = _unescape(title)
    return out


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


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
