"""A copy of a rejected workbook with the offending cells highlighted and commented (kk, ru, en).

The copy holds values, not formulas: nothing typed into a return runs when the officer opens the copy."""

from __future__ import annotations

from pathlib import Path

from pipelines.returns.issues import ERROR, Issue

ERROR_FILL = "FFF4B6B6"
WARNING_FILL = "FFFFE699"


def annotate_workbook(source: Path, issues: list[Issue], out: Path) -> int:
    """Write ``out``: ``source`` with each located issue's cell filled and commented. Returns cells marked."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    # Values only (data_only): a formula from the return becomes its saved result and never runs in the copy; a text
    # cell starting with "=" is loaded as text (data_type "s") and is written back as text.
    wb = openpyxl.load_workbook(source, data_only=True)
    by_cell: dict[tuple[str, str], list[Issue]] = {}
    for issue in issues:
        if issue.sheet in wb.sheetnames and issue.cell:
            by_cell.setdefault((issue.sheet, issue.cell), []).append(issue)
    for (sheet, ref), found in by_cell.items():
        ws = wb[sheet]
        for rng in ws.merged_cells.ranges:
            if ref in rng:
                ws.unmerge_cells(str(rng))
                break
        cell = ws[ref]
        worst = ERROR if any(i.severity == ERROR for i in found) else "warning"
        color = ERROR_FILL if worst == ERROR else WARNING_FILL
        cell.fill = PatternFill("solid", start_color=color, end_color=color)
        text = "\n\n".join(f"{i.message('kk')}\n{i.message('ru')}\n{i.message('en')}" for i in found)
        cell.comment = Comment(text, "bilim-monitor", width=420, height=220)
    for ws in wb.worksheets:
        ws.protection.sheet = False
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return len(by_cell)
