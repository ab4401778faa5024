"""A large workbook parsed ahead (pipelines.returns.prefetch) gets exactly the verdict it gets when read directly,
only ever for a file the guards let through, and never from a copy that has since changed."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from pipelines.returns import prefetch
from pipelines.returns.verdict import validate_file
from tests.returns_fixtures import IIN, context, flat_rows, write_flat_xlsx

FULL_NAME = "Жумабаев Ерлан Болатович"


def big_flat(path: Path, mutate=None) -> Path:
    """A flat return padded past the calamine threshold with incompressible comments; ``mutate(recs)`` edits it."""
    rnd = random.Random(11)
    recs = [rec for region in ("KZ-75", "KZ-71", "KZ-79", "KZ-19") for rec in flat_rows(region, 2023)]
    for rec in recs:
        rec["comment"] = "".join(rnd.choices(string.ascii_lowercase, k=30_000))
    if mutate:
        mutate(recs)
    write_flat_xlsx(path, recs)
    assert path.stat().st_size > prefetch.CALAMINE_MIN_BYTES
    return path


def findings(path: Path) -> list[tuple[str, str | None]]:
    v = validate_file(path, context())
    return [(i.code, i.location) for i in v.issues]


def with_personal_data(recs: list[dict]) -> None:
    recs[3]["comment"] = FULL_NAME  # row 5
    recs[6]["numerator"] = int(IIN)  # row 8, an ИИН typed as a number in a number column


@pytest.fixture(autouse=True)
def nothing_pending():
    yield
    prefetch._pending.clear()


def test_parsed_ahead_gives_the_same_findings_as_read_directly(tmp_path: Path):
    path = big_flat(tmp_path / "bulk.xlsx", with_personal_data)
    direct = findings(path)
    assert ("F_PERSON_NAME", "values!H5") in direct and ("F_PERSONAL_DATA", "values!F8") in direct
    prefetch.start([path])
    assert str(path.resolve()) in prefetch._pending
    assert findings(path) == direct
    assert not prefetch._pending  # taken once


def test_a_valid_file_parsed_ahead_is_accepted_with_every_row(tmp_path: Path):
    path = big_flat(tmp_path / "bulk.xlsx")
    direct = validate_file(path, context())
    prefetch.start([path])
    ahead = validate_file(path, context())
    assert direct.accepted and ahead.accepted
    assert len(ahead.groups) == len(direct.groups) == 4
    assert all(a.rows.equals(d.rows) for a, d in zip(ahead.groups, direct.groups, strict=True))


def test_a_file_changed_after_the_start_is_read_again(tmp_path: Path):
    path = big_flat(tmp_path / "bulk.xlsx")
    prefetch.start([path])
    prefetch._pending[str(path.resolve())].thread.join()
    big_flat(path, with_personal_data)  # rewritten in place: other size and time
    assert prefetch.take(path) is None
    assert ("F_PERSON_NAME", "values!H5") in findings(path)


def test_small_or_refused_files_are_never_parsed_ahead(tmp_path: Path):
    small = write_flat_xlsx(tmp_path / "small.xlsx", flat_rows("KZ-75", 2023))
    text = tmp_path / "big.xlsx"
    text.write_bytes(b"not a workbook " * 300_000)  # large, but no zip: the guards refuse it
    missing = tmp_path / "missing.xlsx"
    prefetch.start([small, text, missing])
    assert prefetch._pending == {}


def test_a_large_workbook_with_damaged_sheet_data_is_said_to_be_corrupt(tmp_path: Path):
    path = big_flat(tmp_path / "bulk.xlsx")
    data = bytearray(path.read_bytes())
    # Keep the zip directory (the guards read it) and damage the compressed sheet data in the middle.
    middle = len(data) // 2
    data[middle : middle + 4096] = bytes(4096)
    path.write_bytes(bytes(data))
    assert findings(path) == [("F_CORRUPT", None)]
    prefetch.start([path])
    assert findings(path) == [("F_CORRUPT", None)]
