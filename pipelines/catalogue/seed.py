"""Read the garbled programme text (``../shared/seeds/001_*.txt``) the way a careful person would.

The PDF extraction cut the Kazakh-specific letters out of their words (leaving a space where they stood
inside a word) and appended them at the end of the line; table cells are split over lines and numbers break
across them ("81,\\n\\n7" = 81.7, "15 \\n\\n000" = 15000). These functions let a catalogue row be checked
against the lines it cites: its Kazakh name, with those letters removed, must appear word by word in order, and
its baseline and targets must appear as numbers in order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

KAZAKH_SPECIFIC = "ҚқӘәҒғҢңӨөҮүҰұІіҺһ"
_STRIP = str.maketrans("", "", KAZAKH_SPECIFIC)
_WORD = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+")
# A decimal comma followed by line breaks and then digits is one number: "81,\n\n7" -> "81,7".
_BROKEN_DECIMAL = re.compile(r"(\d),\s*\n[\s]*(\d)")
# ... or before it: "14\n\n,3" -> "14,3" (the implementation plan breaks numbers this way).
_BROKEN_BEFORE_COMMA = re.compile(r"(\d)[ \t]*\n\s*,[ \t]*(\d)")
_THOUSANDS_SPACE = re.compile("[\u00a0\u202f]")
_NUMBER = re.compile(r"\d+(?:,\d+)?")


def read_lines(path: Path, spec: str) -> str:
    """Return the text of the 1-based inclusive line range(s) ``spec`` ("1121-1160" or "10-12;40-41")."""
    lines = path.read_text(encoding="utf-8").splitlines()
    parts = []
    for chunk in spec.split(";"):
        chunk = chunk.strip()
        if not chunk:
            continue
        start, _, end = chunk.partition("-")
        lo, hi = int(start), int(end or start)
        if lo < 1 or hi > len(lines) or lo > hi:
            raise ValueError(f"line range {chunk!r} is outside {path.name} (1-{len(lines)})")
        parts.append("\n".join(lines[lo - 1 : hi]))
    return "\n".join(parts)


def strip_kazakh(text: str) -> str:
    """Remove the Kazakh-specific letters and every whitespace character, lower-cased."""
    return re.sub(r"\s+", "", text.translate(_STRIP)).lower()


def name_fragments(name: str) -> list[str]:
    """The words of a name as they survive extraction: Kazakh-specific letters removed, empty words dropped."""
    out = []
    for word in _WORD.findall(name.translate(_STRIP)):
        if word:
            out.append(word.lower())
    return out


def name_appears(name: str, text: str) -> tuple[bool, str]:
    """Whether every surviving word of ``name`` appears in ``text`` in order (whitespace ignored).

    Returns (ok, first word not found)."""
    hay = re.sub(r"[^0-9a-zа-яё]", "", strip_kazakh(text))
    pos = 0
    for frag in name_fragments(name):
        found = hay.find(frag, pos)
        if found < 0:
            return False, frag
        pos = found + len(frag)
    return True, ""


def _tokens_with_gaps(text: str) -> list[tuple[str, str]]:
    """(number, the text between it and the previous number) after joining broken decimals."""
    joined = _BROKEN_BEFORE_COMMA.sub(r"\1,\2", _BROKEN_DECIMAL.sub(r"\1,\2", text))
    out, last = [], 0
    for m in _NUMBER.finditer(joined):
        out.append((m.group(0), joined[last : m.start()]))
        last = m.end()
    return out


def number_tokens(text: str) -> list[str]:
    """Numbers as printed, after joining decimals broken across lines. "81,\n\n7" gives "81,7"."""
    return [tok for tok, _ in _tokens_with_gaps(text)]


def _as_float(token: str) -> float:
    return float(token.replace(",", "."))


def _candidates(tokens: list[tuple[str, str]], i: int) -> list[tuple[float, int]]:
    """Values that may start at token i, with how many tokens each takes.

    A number may continue on the next line ("10\n0" = 100, "35\n00\n0" = 35000) when only white space with a
    line break lies between the pieces, or be printed with a thousands space ("15 000": second piece of exactly
    three digits). Pieces after a decimal comma cannot continue."""
    out = [(_as_float(tokens[i][0]), 1)]
    text = tokens[i][0]
    for j in range(i + 1, min(i + 3, len(tokens))):
        piece, gap = tokens[j]
        if gap.strip() or "," in piece:
            break
        if "," in text:
            # "0,7\n\n1" = 0.71: a decimal part may continue on the next line, once.
            if "\n" in gap and j == i + 1:
                text += piece
                out.append((_as_float(text), 2))
            break
        thousands = j == i + 1 and re.fullmatch(r"\d{3}", piece) and (_THOUSANDS_SPACE.search(gap) or piece == "000")
        if "\n" in gap or thousands:
            text += piece
            out.append((_as_float(text), j - i + 1))
        else:
            break
    return out


def numbers_appear(values: Sequence[float], text: str) -> tuple[bool, float | None]:
    """Whether ``values`` appear among the numbers of ``text`` in order.

    Numbers broken across lines are joined (see ``_candidates``). Returns (ok, first value not found)."""
    tokens = _tokens_with_gaps(text)
    i = 0
    for value in values:
        while i < len(tokens):
            match = next((n for v, n in _candidates(tokens, i) if abs(v - value) < 1e-9), None)
            if match:
                i += match
                break
            i += 1
        else:
            return False, value
    return True, None


def find_seed(seeds_dir: Path, prefix: str = "001_") -> Path:
    """The seed file whose name starts with ``prefix``."""
    matches = sorted(seeds_dir.glob(f"{prefix}*.txt"))
    if not matches:
        raise FileNotFoundError(f"no seed {prefix}*.txt in {seeds_dir}")
    return matches[0]

