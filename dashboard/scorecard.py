"""The overview's scorecard as a plain HTML table (``st.markdown``) rather than Streamlit's canvas data grid.

Why: the canvas grid (``st.dataframe``) loads and lays out a large script in the browser before it draws anything;
on the demo it was the slowest thing on the page (the scorecard visible 3-5 s after the heading). A static table of
a few dozen rows is drawn with the page's first paint. It is also easier to read aloud: a real ``<table>`` with a
caption, ``<th scope="col">`` headers and the indicator's name as each row's ``<th scope="row">``. Markdown rather
than ``st.html``: its renderer is already loaded for the page's captions, ``st.html`` fetches two more scripts first.
The HTML is one line (a Markdown HTML block ends at a blank line; nothing in it is read as Markdown).

Every cell is escaped (names come from the catalogue, which an administrator edits; escaped all the same). A status
is its shape and word (from ``views.scorecard``) on its colour-blind-safe tint (``STATUS_TINTS``) with dark text,
never colour alone. The column headers are the scorecard frame's own (already in the page's language).
"""

from __future__ import annotations

from html import escape

import polars as pl

from dashboard.i18n import STATUS_TINTS, t

# What the benchmark and the browser tests wait for: the scorecard drawn.
CSS_CLASS = "bilim-scorecard"
HIDDEN = ("code", "level", "status_token")
# Dark text on every tint (contrast above 12:1); numbers right-aligned so their digits line up.
STYLE = (
    f"<style>table.{CSS_CLASS}{{border-collapse:collapse;width:100%;font-size:0.9rem;margin-bottom:1rem}}"
    # The caption names the table for a screen reader; the page's subheader above says the same to the eye.
    f"table.{CSS_CLASS} caption{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}}"
    f"table.{CSS_CLASS} th,table.{CSS_CLASS} td{{border:1px solid rgba(128,128,128,0.35);padding:0.25rem 0.5rem;"
    "text-align:left;vertical-align:top}"
    f"table.{CSS_CLASS} thead th{{background:rgba(128,128,128,0.12)}}"
    f"table.{CSS_CLASS} th[scope=row]{{font-weight:normal}}"
    f"table.{CSS_CLASS} td.num{{text-align:right;white-space:nowrap}}"
    f"table.{CSS_CLASS} td.status{{color:#1a1a1a;white-space:nowrap}}</style>"
)


def scorecard_html(card: pl.DataFrame, level: str, lang: str) -> str:
    """One level's part (``target`` or ``result``) of ``views.scorecard``'s frame as an HTML table with its
    caption (the level's title). Columns in the frame's order, without the machine ones (``HIDDEN``)."""
    part = card.filter(pl.col("level") == level)
    columns = [c for c in part.columns if c not in HIDDEN]
    name_col, status_col = t("col_name", lang), t("col_status", lang)
    numeric = {t("col_actual", lang), t("col_target", lang), t("col_gap", lang)}
    title = t("target_indicators" if level == "target" else "result_indicators", lang)
    out = [STYLE, f'<table class="{CSS_CLASS}" data-level="{escape(level)}"><caption>{escape(title)}</caption><thead><tr>']
    out += [f'<th scope="col">{escape(str(c))}</th>' for c in columns]
    out.append("</tr></thead><tbody>")
    for row in part.iter_rows(named=True):
        out.append("<tr>")
        for c in columns:
            text = escape("" if row[c] is None else str(row[c]))
            if c == name_col:
                out.append(f'<th scope="row">{text}</th>')
            elif c == status_col:
                tint = STATUS_TINTS.get(row["status_token"], STATUS_TINTS["no_data"])
                out.append(f'<td class="status" style="background-color:{tint}">{text}</td>')
            elif c in numeric:
                out.append(f'<td class="num">{text}</td>')
            else:
                out.append(f"<td>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)
