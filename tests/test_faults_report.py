"""The reviewer's verdict report survives a kill: written whole (temporary file, then rename), and a torn or missing
report is written again by the identical re-upload that says "unchanged"."""

import json

import pytest

from contracts.home import Layout
from pipelines.returns.ingest import ACCEPTED, UNCHANGED, accept_file, load_context
from tests.returns_factory import edit_cells, filled_return


@pytest.mark.parametrize("damage", ["torn", "missing"])
def test_a_torn_or_missing_verdict_report_is_written_again_by_the_unchanged_rerun(tmp_path, damage):
    """KZ-75 2023 revised with G1.K6.R1 left blank (a W_DROPPED_ROWS warning against the first return). Its report
    torn (truncated mid-file) or gone, as a kill during or before the write leaves it: the same ingest again is
    "unchanged" and the report is again the one the accepting run wrote, byte for byte (no W_IDENTICAL in it, the
    dropped rows still warned about); the verdict the re-run returns is as before (W_IDENTICAL, no second warning)."""
    layout = Layout.current()
    ctx = load_context(layout)
    good = filled_return(tmp_path / "KZ-75_2023.xlsx", "KZ-75", 2023)
    assert accept_file(good, ctx, layout).status == ACCEPTED
    revised = edit_cells(good, tmp_path / "revised.xlsx", {("G1.K6.R1", "total", c): None for c in (3, 4, 5, 6)})
    result = accept_file(revised, ctx, layout)
    assert result.status == ACCEPTED
    report = layout.verdict_report(result.verdict.sha256)
    whole = report.read_bytes()
    assert "W_DROPPED_ROWS" in [w["code"] for w in json.loads(whole)["warnings"]]
    assert not list(report.parent.glob("*.tmp"))  # the temporary file is renamed, not left beside it
    if damage == "torn":
        report.write_bytes(whole[: len(whole) // 2])
    else:
        report.unlink()
    again = accept_file(revised, ctx, layout)
    assert again.status == UNCHANGED
    assert report.read_bytes() == whole
    assert [i.code for i in again.verdict.warnings].count("W_DROPPED_ROWS") == 0
    assert "W_IDENTICAL" in again.verdict.rule_codes()
    # A whole report is left as it is.
    before = report.stat().st_mtime_ns
    assert accept_file(revised, ctx, layout).status == UNCHANGED
    assert report.stat().st_mtime_ns == before
