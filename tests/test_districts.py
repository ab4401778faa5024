"""Districts: the KATO reference list, the ``district_values`` mart on a hand-worked school-level return, and the
Region page's drill-down in Kazakh and Russian.

The return (flat CSV, Almaty Region KZ-19, 2023), three schools in two districts, accepted by a reviewer:

    school      unit_kato   district (ref_districts)      G1.K1.R2 (share) num/den      G1.K6.R3 (count)
    A           196233100   Talgar District  196200000    total 45/60, rural 45/60      12
    B           196210100   Talgar District  196200000    total 80/100, urban 80/100    20
    C           195240100   Karasay District 195200000    total 30/50, rural 30/50       7

By hand, district_values for 2023:
    Talgar  G1.K1.R2 total  = 100 * (45 + 80) / (60 + 100) = 100 * 125 / 160 = 78.125  (shown 78,1 %)
    Talgar  G1.K1.R2 rural  = 100 * 45 / 60 = 75.0;  urban = 100 * 80 / 100 = 80.0
    Karasay G1.K1.R2 total  = 100 * 30 / 50 = 60.0   (shown 60,0 %); rural 60.0; no urban row
    Talgar  G1.K6.R3 total  = 12 + 20 = 32;  Karasay = 7
The region's actual is untouched by the drill-down: 100 * (125 + 30) / (160 + 50) = 100 * 155 / 210 = 73.8095…,
the same as 100 * (sum of the two districts' numerators) / (sum of their denominators).

A second return (Karaganda KZ-35, a school in Abay District 353200000) is ingested but left awaiting review: the
official mart holds nothing of it.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from contracts.home import REPO_ROOT, Layout, repo_raw
from contracts.marts import RefDistricts
from contracts.programme import YEARS, census_date
from dashboard.districts import district_table
from dashboard.i18n import t
from pipelines.marts.build import district_reference
from pipelines.returns.ingest import accept_file, load_context
from pipelines.runner import prepare_dagster_home, run_all
from pipelines.tables import validate_frame
from tests.conftest import accept_pending, grant, sign_in

APP = str(REPO_ROOT / "dashboard" / "app.py")
SHARE, COUNT = "G1.K1.R2", "G1.K6.R3"
TALGAR, KARASAY, ABAY_KAR = "196200000", "195200000", "353200000"
HEADER = "region_code,year,cycle,indicator_code,settlement,unit_kato,value,numerator,denominator,comment\n"
ROWS_KZ19 = [
    ("KZ-19", 2023, SHARE, "total", "196233100", "75.0", 45, 60),
    ("KZ-19", 2023, SHARE, "rural", "196233100", "75.0", 45, 60),
    ("KZ-19", 2023, SHARE, "total", "196210100", "80.0", 80, 100),
    ("KZ-19", 2023, SHARE, "urban", "196210100", "80.0", 80, 100),
    ("KZ-19", 2023, SHARE, "total", "195240100", "60.0", 30, 50),
    ("KZ-19", 2023, SHARE, "rural", "195240100", "60.0", 30, 50),
    ("KZ-19", 2023, COUNT, "total", "196233100", "12", None, None),
    ("KZ-19", 2023, COUNT, "total", "196210100", "20", None, None),
    ("KZ-19", 2023, COUNT, "total", "195240100", "7", None, None),
]
ROWS_KZ35 = [("KZ-35", 2023, SHARE, "total", "353230100", "50.0", 10, 20)]


def _flat_csv(path, rows) -> str:
    body = "".join(
        f"{r},{y},,{c},{s},{k},{v},{'' if n is None else n},{'' if d is None else d},\n" for r, y, c, s, k, v, n, d in rows
    )
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("districts_home")
    mp = pytest.MonkeyPatch()
    mp.setenv("BILIM_HOME", str(home))
    mp.setenv("DAGSTER_HOME", str(home / "dagster"))
    try:
        files = tmp_path_factory.mktemp("districts_files")
        layout = Layout.current()
        ctx = load_context(layout)
        accepted = accept_file(_flat_csv(files / "schools_kz19.csv", ROWS_KZ19), ctx, layout, who="operator")
        assert accepted.status == "accepted", accepted
        accept_pending(layout, "KZ-19", 2023)
        pending = accept_file(_flat_csv(files / "schools_kz35.csv", ROWS_KZ35), ctx, layout, who="operator")
        assert pending.status == "accepted", pending  # accepted for review, not yet accepted by a reviewer
        grant(layout, "plan", "planner")
        prepare_dagster_home(layout)
        ok, _, message = run_all()
        assert ok, message
        yield home
    finally:
        mp.undo()


def _warehouse(home) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(Layout(home).warehouse), read_only=True)


def _one(con, sql: str, params: list) -> tuple:
    rows = con.execute(sql, params).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


# --- the reference list ---------------------------------------------------------------------------------------


def test_district_codes_are_nine_digits_unique_each_day_and_inside_their_region():
    districts = district_reference()
    assert validate_frame(districts, RefDistricts, "districts.csv") == []
    assert districts["kato9"].str.contains(r"^\d{9}$").all()
    regions = pl.read_csv(repo_raw() / "regions" / "regions.csv", infer_schema_length=0)
    kato2 = dict(zip(regions["region_code"], regions["kato2"], strict=True))
    for row in districts.iter_rows(named=True):
        assert row["region_code"] in kato2, row
        assert row["kato9"][:2] == kato2[row["region_code"]], row
    for year in YEARS:
        day = census_date(year)
        alive = districts.filter(
            (pl.col("valid_from").is_null() | (pl.col("valid_from") <= day))
            & (pl.col("valid_to").is_null() | (pl.lit(day) < pl.col("valid_to")))
        )
        # the mart places a row by the code's first four digits: those must be unique on every census day
        assert alive["kato9"].is_unique().all(), year
        assert alive["kato9"].str.slice(0, 4).is_unique().all(), year
    # the 2022 move: Taldykorgan is Almaty Region's 191000000 until 8 June 2022, then Zhetysu's 331000000
    taldykorgan = districts.filter(pl.col("name_en") == "Taldykorgan").sort("kato9")
    assert taldykorgan.select("kato9", "region_code", "valid_from", "valid_to").rows() == [
        ("191000000", "KZ-19", None, date(2022, 6, 8)),
        ("331000000", "KZ-33", date(2022, 6, 8), None),
    ]


def test_every_region_in_force_has_districts_and_the_counts_are_the_sources():
    alive = district_reference().filter(pl.col("valid_to").is_null())
    counts = dict(alive.group_by("region_code").len().iter_rows())
    assert len(counts) == 20
    # from the COD-AB 2024 list (+ Sauran, from the 2022 classifier; - Zhanasemey, a third-level unit)
    assert (counts["KZ-61"], counts["KZ-10"], counts["KZ-71"], counts["KZ-75"], counts["KZ-79"]) == (17, 11, 5, 8, 5)
    assert alive.height == 224


# --- the mart on the hand-worked return -----------------------------------------------------------------------


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_district_values_are_the_ratio_of_the_schools_summed_parts(home):
    con = _warehouse(home)
    sql = """select value, numerator, denominator, n_units from district_values
             where indicator_code = ? and district_kato = ? and year = 2023 and settlement = ?"""
    talgar = _one(con, sql, [SHARE, TALGAR, "total"])
    assert talgar[1:] == (125.0, 160.0, 2) and talgar[0] == pytest.approx(78.125)
    assert _one(con, sql, [SHARE, TALGAR, "rural"])[0] == pytest.approx(75.0)
    assert _one(con, sql, [SHARE, TALGAR, "urban"])[0] == pytest.approx(80.0)
    karasay = _one(con, sql, [SHARE, KARASAY, "total"])
    assert karasay[1:] == (30.0, 50.0, 1) and karasay[0] == pytest.approx(60.0)
    assert con.execute(
        "select count(*) from district_values where district_kato = ? and settlement = 'urban'", [KARASAY]
    ).fetchall()[0][0] == 0
    assert _one(con, sql, [COUNT, TALGAR, "total"])[0] == 32
    assert _one(con, sql, [COUNT, KARASAY, "total"])[0] == 7
    assert con.execute("select count(*) from district_values").fetchall()[0][0] == 7  # 3 + 2 share rows, 2 counts


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_the_region_total_is_unchanged_by_the_drill_down(home):
    con = _warehouse(home)
    actual = _one(
        con,
        """select value, numerator, denominator, n_units from actuals
           where indicator_code = ? and region_code = 'KZ-19' and year = 2023 and settlement = 'total'""",
        [SHARE],
    )
    assert actual[1:] == (155.0, 210.0, 3) and actual[0] == pytest.approx(100 * 155 / 210)
    summed = _one(
        con,
        """select 100 * sum(numerator) / sum(denominator) from district_values
           where indicator_code = ? and region_code = 'KZ-19' and year = 2023 and settlement = 'total'""",
        [SHARE],
    )
    assert summed[0] == pytest.approx(actual[0])
    count = _one(con, "select value from actuals where indicator_code = ? and region_code = 'KZ-19' and year = 2023", [COUNT])
    assert count[0] == 39 == 32 + 7


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_a_return_awaiting_review_is_not_in_the_official_mart(home):
    con = _warehouse(home)
    assert con.execute("select count(*) from district_values where region_code = 'KZ-35'").fetchall()[0][0] == 0
    assert con.execute("select count(*) from stg_returns__pending where unit_kato = '353230100'").fetchall()[0][0] == 1


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_the_published_build_holds_ref_districts_and_district_values(home):
    layout = Layout(home)
    build = layout.current_build_id()
    ref = pl.read_parquet(layout.published_table(build, "ref_districts"))
    assert ref.height == district_reference().height
    values = pl.read_parquet(layout.published_table(build, "district_values"))
    assert sorted(values["district_kato"].unique().to_list()) == [KARASAY, TALGAR]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_the_build_stages_in_duckdb_the_same_rows_as_the_frame_path(home):
    """stg_returns__values is written by DuckDB from the parsed Parquet files (stage_values, bounded memory at school
    level); it holds exactly the rows, order and types staged_values builds as one frame."""
    from pipelines.returns.staging import staged_values
    from pipelines.warehouse import fetch

    con = _warehouse(home)
    for table, which in (("stg_returns__values", "official"), ("stg_returns__pending", "pending")):
        written = fetch(con, f"select * from {table}")
        assert written.height == {"official": 9, "pending": 1}[which]
        assert written.equals(staged_values(Layout(home), None, which)), table


# --- the drill-down, as data and on the page ------------------------------------------------------------------


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_district_table_names_districts_in_the_language_with_the_series_decimals(home):
    layout = Layout(home)
    build = layout.current_build_id()
    read = lambda n: pl.read_parquet(layout.published_table(build, n))  # noqa: E731
    args = (read("district_values"), read("ref_districts"), read("programme_indicators"), "KZ-19", 2023)
    kk = district_table(*args, "kk")
    share_col = next(c for c in kk.columns if c.endswith(f"({SHARE})"))
    count_col = next(c for c in kk.columns if c.endswith(f"({COUNT})"))
    rows = {r[t("district", "kk")]: (r[share_col], r[count_col]) for r in kk.iter_rows(named=True)}
    assert rows == {"Талғар ауданы": ("78,1\u00a0%", "32"), "Қарасай ауданы": ("60,0\u00a0%", "7")}
    ru = district_table(*args, "ru")
    assert set(ru[t("district", "ru")]) == {"Талгарский район", "Карасайский район"}
    assert district_table(*args[:3], "KZ-35", 2023, "kk").is_empty()  # only awaiting review: nothing to drill into


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize(
    ("lang", "talgar", "karasay"),
    [("kk", "Талғар ауданы", "Қарасай ауданы"), ("ru", "Талгарский район", "Карасайский район")],
)
def test_the_region_page_shows_the_district_table(home, monkeypatch, lang, talgar, karasay):
    monkeypatch.setenv("BILIM_HOME", str(home))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.query_params["region"] = "KZ-19"
    at.query_params["year"] = "2023"
    sign_in(at, "plan")
    at.run()
    at.switch_page("screens/region.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("districts_title", lang) in [s.value for s in at.subheader]
    frames = [f.value for f in at.dataframe if t("district", lang) in list(f.value.columns)]
    assert len(frames) == 1
    shown = frames[0].set_index(t("district", lang))
    share_col = next(c for c in shown.columns if c.endswith(f"({SHARE})"))
    assert shown.loc[talgar, share_col] == "78,1\u00a0%"
    assert shown.loc[karasay, share_col] == "60,0\u00a0%"
    assert shown.loc[talgar, t("district_kato", lang)] == TALGAR


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_the_region_page_shows_no_district_table_without_district_data(home, monkeypatch):
    monkeypatch.setenv("BILIM_HOME", str(home))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "en"
    at.query_params["region"] = "KZ-35"
    at.query_params["year"] = "2023"
    sign_in(at, "plan")
    at.run()
    at.switch_page("screens/region.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("districts_title", "en") not in [s.value for s in at.subheader]
    assert not [f for f in at.dataframe if t("district", "en") in list(f.value.columns)]
