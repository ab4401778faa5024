"""A page draws its download buttons without building the files: ``downloads.download`` builds the CSV and the
workbook only when one is read, and ``downloads.offer`` gives ``st.download_button`` the callable that builds it
(Streamlit's deferred data: it runs when the button is clicked). The bytes are the same as building them at once.

Table: G1.T1.age1_6, Almaty Region 2023, 80.0 % against a target of 83.5 % (gap 3.5 p.p., at risk), synthetic.
"""

from __future__ import annotations

import io
import threading

import openpyxl

from dashboard import downloads
from dashboard.i18n import t


def _table() -> downloads.Table:
    return downloads.Table(
        ["Код", "Өңір", "Нақты", "Мақсат", "Айырма", "Күйі"],
        [
            [
                "G1.T1.age1_6",
                "Алматы облысы",
                downloads.Num(80.0, 1),
                downloads.Num(83.5, 1),
                downloads.Num(3.5, 1),
                downloads.Status("at_risk"),
            ]
        ],
        "indicator_gaps",
        "b-1",
        [True],
    )


class _Buttons:
    """Stands in for a Streamlit container: records what each download button was given."""

    def __init__(self) -> None:
        self.given: dict[str, object] = {}

    def columns(self, n: int) -> list[_Buttons]:
        return [self] * n

    def download_button(self, label, data, file_name=None, mime=None, key=None):
        self.given[file_name] = data


def test_nothing_is_built_until_a_button_is_clicked():
    made = downloads.download(_table(), "kk")
    buttons = _Buttons()
    downloads.offer(buttons, made, "kk", "gaps", "gaps")
    assert made.built == set()  # the page is drawn: no CSV, no workbook yet
    xlsx = buttons.given["gaps.xlsx"]
    assert callable(xlsx) and callable(buttons.given["gaps.csv"])
    data = xlsx()  # the click
    assert made.built == {"xlsx"}
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[t("download_sheet_data", "kk")]
    assert [c.value for c in ws[1]][-1] == t("synthetic_data", "kk")  # the synthetic flag column
    assert ws["C2"].value == 80.0 and ws["C2"].number_format == "#,##0.0"  # a typed number, the series' decimals
    assert ws["F2"].value == "тәуекел бар" and ws["G2"].value == t("yes", "kk")
    about = {r[0]: r[1] for r in wb[t("download_sheet_about", "kk")].iter_rows(values_only=True)}
    assert about[t("synthetic_data", "kk")] == t("yes", "kk")
    csv = buttons.given["gaps.csv"]()
    assert made.built == {"xlsx", "csv"}
    assert csv.decode("utf-8-sig").splitlines()[1] == "G1.T1.age1_6;Алматы облысы;80,0;83,5;3,5;тәуекел бар;иә"


def test_a_download_is_built_once_even_when_two_clicks_race():
    made = downloads.download(_table(), "ru")
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(made.xlsx)) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 4 and all(r is results[0] for r in results)  # one build, the same bytes object
