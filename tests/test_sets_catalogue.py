"""The indicator-set registry and the three new sets' catalogues prove themselves against their seed documents.

Every catalogue passes its contract; every indicator's cited seed lines are re-read (its seed words in order, and a
transcribed name carrying them); a handful of facts a person read by hand in the seeds are pinned with their line
numbers; and broken copies of the catalogue are rejected with located problems.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from contracts.home import repo_raw, shared_dir
from pipelines.catalogue.seed import read_lines
from pipelines.catalogue.sets import (
    failed_rules,
    get_set,
    load_set_catalogue,
    load_sets,
    not_additive_groups,
    set_rules,
    suppressed_codes,
    verify_registry_against_seeds,
    verify_set_against_seed,
)
from pipelines.tables import TableError

NEW_SETS = ["road_to_school_2023", "school_registration", "inclusive_higher_ed"]
SEEDS = shared_dir() / "seeds"
# Indicator count per set, as listed in each set's README.
COUNTS = {"road_to_school_2023": 21, "school_registration": 15, "inclusive_higher_ed": 11}


@pytest.fixture(scope="module")
def sets() -> pl.DataFrame:
    return load_sets(repo_raw())


@pytest.fixture(scope="module")
def catalogues() -> dict[str, dict[str, pl.DataFrame]]:
    return {sid: load_set_catalogue(repo_raw(), sid) for sid in NEW_SETS}


def _seed(sets: pl.DataFrame, set_id: str) -> Path:
    return SEEDS / get_set(sets, set_id)["seed_file"]


def _row(catalogues, set_id: str, code: str) -> dict:
    rows = catalogues[set_id]["indicators"].filter(pl.col("code") == code).to_dicts()
    assert rows, f"{code} is not in {set_id}"
    return rows[0]


# --- the registry -------------------------------------------------------------------------------------------------


def test_registry_lists_the_four_sets_programme_first(sets):
    assert sets["set_id"].to_list() == ["programme", *NEW_SETS]
    programme = get_set(sets, "programme")
    assert (programme["document_kind"], programme["document_number"], programme["document_date"]) == (
        "decree",
        "988",
        "2019-12-27",
    )
    assert programme["seed_file"].startswith("001_")
    assert get_set(sets, "inclusive_higher_ed")["reporting_unit"] == "institution"
    assert {get_set(sets, s)["reporting_unit"] for s in ["programme", "road_to_school_2023", "school_registration"]} == {"region"}
    # Only the registration set forbids ranking; only the programme has targets; the three new sets suppress.
    assert sets.filter(pl.col("ranking_forbidden") == "yes")["set_id"].to_list() == ["school_registration"]
    assert sets.filter(pl.col("has_targets") == "yes")["set_id"].to_list() == ["programme"]
    assert sets.filter(pl.col("suppression_applies") == "yes")["set_id"].to_list() == NEW_SETS


def test_registry_matches_the_seeds_it_cites(sets):
    problems = verify_registry_against_seeds(sets, SEEDS)
    assert not problems, "\n".join(map(str, problems))


def test_unknown_set_is_named_with_the_known_ones(sets):
    with pytest.raises(KeyError, match="known: programme, road_to_school_2023"):
        get_set(sets, "bilimdi_ult")


def test_programme_set_hands_over_to_the_programme_catalogue():
    frames = load_set_catalogue(repo_raw(), "programme")
    assert "G1.T1.age1_6" in frames["programme_indicators"]["code"].to_list()


# --- every set's catalogue ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("set_id", NEW_SETS)
def test_catalogue_passes_its_contract_with_the_counted_indicators(catalogues, set_id):
    ind = catalogues[set_id]["indicators"]
    assert ind.height == COUNTS[set_id]
    assert ind["code"].is_unique().all()


@pytest.mark.parametrize("set_id", NEW_SETS)
def test_every_indicator_matches_the_seed_lines_it_cites(sets, catalogues, set_id):
    problems = verify_set_against_seed(catalogues[set_id]["indicators"], _seed(sets, set_id))
    assert not problems, "\n".join(map(str, problems))


def test_programme_codes_fit_the_registry_pattern(sets):
    pattern = re.compile(get_set(sets, "programme")["code_pattern"])
    codes = pl.read_csv(repo_raw() / "programme" / "indicators.csv", columns=["code"])["code"].to_list()
    assert codes and all(pattern.fullmatch(c) for c in codes)


def test_codes_are_unique_across_all_sets(catalogues):
    programme = pl.read_csv(repo_raw() / "programme" / "indicators.csv", columns=["code"])["code"].to_list()
    codes = programme + [c for sid in NEW_SETS for c in catalogues[sid]["indicators"]["code"].to_list()]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("set_id", NEW_SETS)
def test_every_designed_indicator_says_why_and_readme_lists_every_code(catalogues, set_id):
    ind = catalogues[set_id]["indicators"]
    designed = ind.filter(pl.col("design") == "designed")
    assert designed.height > 0 and designed["design_note"].null_count() == 0
    readme = (repo_raw() / set_id / "README.md").read_text(encoding="utf-8")
    for row in ind.iter_rows(named=True):
        assert f"`{row['code']}`" in readme, f"{row['code']} missing from {set_id}/README.md"
        assert row["seed_lines"] in readme, f"{row['code']}'s seed lines missing from {set_id}/README.md"


# --- the re-read catches what it should -------------------------------------------------------------------------


def test_reread_catches_a_wrong_citation_a_paraphrased_name_and_a_missing_line(sets, catalogues):
    ind = catalogues["road_to_school_2023"]["indicators"]
    broken = ind.with_columns(
        # Raids are on line 28, not line 8 (the campaign's dates); the seed has 38 lines, not 40.
        pl.when(pl.col("code") == "RTS.raids")
        .then(pl.lit("8-8"))
        .when(pl.col("code") == "RTS.charity_actions")
        .then(pl.lit("39-40"))
        .otherwise(pl.col("seed_lines"))
        .alias("seed_lines"),
        # A transcribed name must carry the seed's words, not a paraphrase.
        pl.when(pl.col("code") == "RTS.fairs")
        .then(pl.lit("Өткізілген сауда күндері"))
        .otherwise(pl.col("name_kk"))
        .alias("name_kk"),
    )
    found = {(p.code, p.where) for p in verify_set_against_seed(broken, _seed(sets, "road_to_school_2023"))}
    assert found == {("RTS.raids", "lines 8-8"), ("RTS.fairs", "name_kk"), ("RTS.charity_actions", "seed_lines")}


def test_a_misprint_correction_must_name_a_printed_word(sets, catalogues):
    ind = catalogues["school_registration"]["indicators"].with_columns(
        pl.when(pl.col("code") == "SR.ground.01")
        .then(pl.lit("академик→академиялық"))
        .otherwise(pl.col("seed_corrections"))
        .alias("seed_corrections")
    )
    problems = verify_set_against_seed(ind, _seed(sets, "school_registration"))
    # The invented correction is refused, and without the real one the corrected name no longer carries the seed word.
    assert [(p.code, p.where) for p in problems] == [("SR.ground.01", "seed_corrections"), ("SR.ground.01", "name_kk")]


# --- facts read by hand in the seeds ----------------------------------------------------------------------------


def test_campaign_runs_1_august_to_30_september_2023_as_seed_000_line_8_says(sets):
    line = read_lines(_seed(sets, "road_to_school_2023"), "8-8")
    assert "2023 жылдың 1 тамызынан" in line and "2023 жылдың 30 қыркүйегінде" in line
    campaign = get_set(sets, "road_to_school_2023")
    assert (campaign["period_start"], campaign["period_end"], campaign["period_lines"]) == ("2023-08-01", "2023-09-30", "8-8")
    assert campaign["period_kind"] == "campaign" and campaign["interim_returns"] == "yes"


def test_campaign_categories_are_the_four_of_line_7_and_never_summed(sets, catalogues):
    line7 = read_lines(_seed(sets, "road_to_school_2023"), "7-7")
    for words in ["аз қамтылған", "көп балалы отбасылардан", "жетім балаларға", "ата-анасының қамқорлығынсыз қалған балаларға"]:
        assert words in line7
    ind = catalogues["road_to_school_2023"]["indicators"]
    groups = not_additive_groups(ind)
    categories = ["RTS.children.low_income", "RTS.children.large_family", "RTS.children.orphans", "RTS.children.no_parental_care"]
    assert groups["RTS.children.distinct"] == categories
    assert _row(catalogues, "road_to_school_2023", "RTS.children.distinct")["relation"] == "distinct_total"
    # Hand-worked: 120 distinct children, of them 90 from low-income and 70 from large families (40 are both).
    rules = set_rules(catalogues["road_to_school_2023"])
    values = {"RTS.children.distinct": 120, "RTS.children.low_income": 90, "RTS.children.large_family": 70}
    values |= {"RTS.children.orphans": 5, "RTS.children.no_parental_care": 8}
    assert failed_rules(values, rules) == []
    # A category above the distinct total is an error naming the category.
    broken = failed_rules(values | {"RTS.children.low_income": 121}, rules)
    assert [(r.rule_id, r.severity, r.origin) for r in broken] == [("RTS.children.low_income.le_parent", "error", "relation")]
    assert broken[0].messages["en"] == (
        "'Pupils from low-income families given material support' cannot exceed "
        "'Children given material support during the campaign (distinct count)': the categories overlap and are never summed"
    )
    assert broken[0].messages["kk"].startswith("«Материалдық қолдау көрсетілген аз қамтылған отбасылардан шыққан оқушылар»")
    assert "категории пересекаются" in broken[0].messages["ru"]


def test_campaign_help_sources_are_parts_of_the_total_named_on_lines_20_34_37(sets, catalogues):
    seed = _seed(sets, "road_to_school_2023")
    assert "азаматтарына, бизнесмендерге, кәсіпкерлерге, меценаттарға" in read_lines(seed, "20-20")
    assert "демеушілерді" in read_lines(seed, "34-34")
    ind = catalogues["road_to_school_2023"]["indicators"]
    sources = ind.filter(pl.col("breakdown") == "source")
    assert sources["breakdown_key"].to_list() == ["citizens", "business", "sponsors"]
    assert set(sources["parent_code"]) == {"RTS.help.total_kzt"} and set(sources["relation"]) == {"part_of"}
    rules = set_rules(catalogues["road_to_school_2023"])
    # 1,000,000 tenge in all: 300,000 + 500,000 + 250,000 by source is 1,050,000 - more than the total.
    values = {"RTS.help.total_kzt": 1_000_000, "RTS.help.source.citizens_kzt": 300_000}
    values |= {"RTS.help.source.business_kzt": 500_000, "RTS.help.source.sponsors_kzt": 250_000}
    assert [r.rule_id for r in failed_rules(values, rules)] == ["RTS.help.total_kzt.source_parts_le"]
    # Counts of children are suppressed when small; tenge, raids and fairs are not.
    assert "RTS.children.orphans" in suppressed_codes(ind) and "RTS.help.total_kzt" not in suppressed_codes(ind)
    assert "RTS.raids" not in suppressed_codes(ind)


def test_paragraph_22_has_exactly_ten_grounds_on_lines_119_to_128(sets, catalogues):
    seed = _seed(sets, "school_registration")
    assert read_lines(seed, "117-117").startswith("22. МЕА үшін мыналар негіз болып табылады")
    numbered = [re.match(r"^\s*-\s*(\d+)\)", ln) for ln in read_lines(seed, "118-129").splitlines()]
    assert [int(m.group(1)) for m in numbered if m] == list(range(1, 11))
    assert read_lines(seed, "130-130").startswith("23. ")
    grounds = catalogues["school_registration"]["indicators"].filter(pl.col("breakdown") == "ground")
    assert grounds["code"].to_list() == [f"SR.ground.{n:02d}" for n in range(1, 11)]
    assert grounds["seed_lines"].to_list() == [f"117-117;{119 + n}-{119 + n}" for n in range(10)]
    assert set(grounds["parent_code"]) == {"SR.registered.during"} and set(grounds["relation"]) == {"not_additive"}
    assert set(grounds["settlement_split"]) == {"yes"}


def test_registration_removed_cannot_exceed_start_plus_registered(catalogues):
    rules = set_rules(catalogues["school_registration"])
    # Hand-worked: 40 on the register at the start, 12 registered during the year, so at most 52 can leave.
    ok = {"SR.registered.start": 40, "SR.registered.during": 12, "SR.removed": 20, "SR.registered.end": 32, "SR.plan": 50}
    assert failed_rules(ok, rules) == []
    broken = failed_rules(ok | {"SR.removed": 53, "SR.registered.end": -1}, rules)
    assert [(r.rule_id, r.severity) for r in broken] == [("removed_within_register", "error")]
    # 40 + 12 - 20 = 32 at the end; 35 does not balance (a warning, not an error).
    assert [(r.rule_id, r.severity) for r in failed_rules(ok | {"SR.registered.end": 35}, rules)] == [
        ("register_balance", "warning")
    ]


def test_registration_forbids_ranking_by_paragraph_26_and_keeps_appendix_1_out(sets, catalogues):
    seed = _seed(sets, "school_registration")
    reg = get_set(sets, "school_registration")
    assert reg["ranking_rule_lines"] == "136-136"
    assert "рейтингіне теріс әсер ететін көрсеткіш ретінде бола алмайды" in read_lines(seed, "136-136")
    appendix = read_lines(seed, reg["personal_data_lines"])
    for field in ["Оқушының тегі, аты, әкесінің аты", "Тұған күні", "ЖСН", "Мекен-жайы"]:
        assert field in appendix
    # No indicator rests on the personal-data form.
    lo, hi = (int(x) for x in reg["personal_data_lines"].split("-"))
    for spec in catalogues["school_registration"]["indicators"]["seed_lines"]:
        for chunk in spec.split(";"):
            a, b = (int(x) for x in chunk.split("-"))
            assert b < lo or a > hi, f"{spec} cites the personal-data form {lo}-{hi}"


def test_registration_order_is_398_and_its_printed_date_conflicts_with_the_decree_it_implements(sets):
    seed = _seed(sets, "school_registration")
    reg = get_set(sets, "school_registration")
    assert read_lines(seed, "7-7") == "2023 ж 28 наурызда" and read_lines(seed, "12-12") == "№ 398"
    assert "31.08.2023 ж. №748" in read_lines(seed, "20-20")
    assert reg["document_date"] == "2023-03-28" and "doubtful" in reg["notes"]


def test_inclusive_indicators_cover_paragraphs_5_3_and_7_1(sets, catalogues):
    seed = _seed(sets, "inclusive_higher_ed")
    assert read_lines(seed, "162-162").startswith("5.3 Институтта келесі бағыттар бойынша қолжетімділік")
    directions = [read_lines(seed, n).strip() for n in ("164-164", "168-168", "169-169")]
    assert directions[0].startswith("- оқыту материалдарының баламалы форматтарда")
    assert directions[1] == "- оқу ғимараттары, аудиториялар, санитарлық аймақтар;"
    assert directions[2] == "- электрондық ресурстар мен онлайн-платформалар."
    access = catalogues["inclusive_higher_ed"]["indicators"].filter(pl.col("code").str.starts_with("IHE.access."))
    assert dict(zip(access["code"], access["kind"], strict=True)) == {
        "IHE.access.materials": "flag",
        "IHE.access.buildings": "share",
        "IHE.access.e_resources": "flag",
    }
    buildings = _row(catalogues, "inclusive_higher_ed", "IHE.access.buildings")
    assert (buildings["hard_min"], buildings["hard_max"], buildings["rollup"]) == (0.0, 100.0, "ratio_of_sums")
    assert "инклюзия мәселелері бойынша оқыту семинарларына қатысуды" in read_lines(seed, "202-202")
    assert _row(catalogues, "inclusive_higher_ed", "IHE.staff.seminars")["seed_lines"] == "196-202"
    route = _row(catalogues, "inclusive_higher_ed", "IHE.students.route")
    assert (route["parent_code"], route["relation"]) == ("IHE.students.sen", "not_additive")
    # Hand-worked: 14 students with SEN, 15 with an approved route - one too many.
    broken = failed_rules({"IHE.students.sen": 14, "IHE.students.route": 15}, set_rules(catalogues["inclusive_higher_ed"]))
    assert [r.messages["en"] for r in broken] == [
        "'Students with SEN with an approved individual educational route' cannot exceed "
        "'Students with special educational needs (SEN)': they are counted within it"
    ]


def test_institutions_are_synthetic_labelled_and_in_known_regions(catalogues):
    inst = catalogues["inclusive_higher_ed"]["institutions"]
    assert inst.height == 5 and set(inst["synthetic"]) == {"true"}
    assert all("(synthetic)" in n for n in inst["name_en"]) and all("(синтетикалық)" in n for n in inst["name_kk"])
    # Two in Almaty city, so a region's figure is a roll-up of more than one institution.
    assert inst.filter(pl.col("region_code") == "KZ-75").height == 2


# --- broken copies are rejected, every problem located ----------------------------------------------------------


def _rewrite(path: Path, code: str, changes: dict[str, str], key: str = "code") -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    for r in rows:
        if r[key] == code:
            r.update(changes)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "raw"
    shutil.copytree(repo_raw(), dst)
    return dst


def test_broken_catalogue_is_rejected_with_every_problem_located(raw_copy):
    ind = raw_copy / "road_to_school_2023" / "indicators.csv"
    # A category summed into its total as if disjoint, a child count left unsuppressed, a share-like bound on a
    # count, and a breakdown of an indicator that does not exist.
    _rewrite(ind, "RTS.children.orphans", {"relation": "part_of", "breakdown": "category"})
    _rewrite(ind, "RTS.children.large_family", {"suppress": "no"})
    _rewrite(ind, "RTS.fairs.remote", {"parent_code": "RTS.fairs.all"})
    # ... and a designed indicator that does not say why.
    _rewrite(ind, "RTS.pupils", {"design_note": ""})
    with pytest.raises(TableError) as err:
        load_set_catalogue(raw_copy, "road_to_school_2023")
    text = str(err.value)
    assert "a count of children, pupils or students is suppressed when small" in text
    assert "a designed indicator says why in design_note" in text
    # Contract failures are reported first; fix them and the cross-row rules speak.
    _rewrite(ind, "RTS.children.large_family", {"suppress": "yes"})
    _rewrite(ind, "RTS.pupils", {"design_note": "Optional denominator."})
    with pytest.raises(TableError) as err:
        load_set_catalogue(raw_copy, "road_to_school_2023")
    where = str(raw_copy / "road_to_school_2023" / "indicators.csv")
    assert {str(p).removeprefix(where) for p in err.value.problems} == {
        ":5:relation: part_of needs a parent marked total; RTS.children.distinct is not",
        ":5:relation: RTS.children.distinct is a distinct total: its breakdown rows are not_additive",
        ":17:parent_code: 'RTS.fairs.all' is not an indicator of the set",
    }


def test_share_outside_0_100_and_unlabelled_synthetic_institution_are_rejected(raw_copy):
    _rewrite(raw_copy / "inclusive_higher_ed" / "indicators.csv", "IHE.access.buildings", {"hard_max": "150"})
    _rewrite(
        raw_copy / "inclusive_higher_ed" / "institutions.csv",
        "SYN-HEI-02",
        {"name_en": "Almaty University"},
        key="institution_code",
    )
    _rewrite(
        raw_copy / "inclusive_higher_ed" / "institutions.csv", "SYN-HEI-03", {"region_code": "KZ-99"}, key="institution_code"
    )
    with pytest.raises(TableError) as err:
        load_set_catalogue(raw_copy, "inclusive_higher_ed")
    text = str(err.value)
    assert "indicators.csv:9" in text and "a share lies in 0..100" in text
    assert "institutions.csv:3" in text and "a synthetic institution is labelled so" in text
    # The region is checked against regions.csv once the contract holds.
    _rewrite(raw_copy / "inclusive_higher_ed" / "indicators.csv", "IHE.access.buildings", {"hard_max": "100"})
    _rewrite(
        raw_copy / "inclusive_higher_ed" / "institutions.csv",
        "SYN-HEI-02",
        {"name_en": "Demo university No. 2, Almaty (synthetic)"},
        key="institution_code",
    )
    with pytest.raises(TableError) as err:
        load_set_catalogue(raw_copy, "inclusive_higher_ed")
    assert [str(p).split("raw/")[1] for p in err.value.problems] == [
        "inclusive_higher_ed/institutions.csv:4:region_code: 'KZ-99' is not in regions.csv"
    ]


def test_registry_must_start_with_the_default_set(raw_copy):
    lines = (raw_copy / "sets.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (raw_copy / "sets.csv").write_text(lines[0] + "".join(lines[2:]) + lines[1], encoding="utf-8")
    with pytest.raises(TableError, match="the first row must be the default set 'programme'"):
        load_sets(raw_copy)


def test_registry_rejects_a_campaign_without_dates_and_ranking_without_its_rule(raw_copy):
    _rewrite(raw_copy / "sets.csv", "road_to_school_2023", {"period_end": ""}, key="set_id")
    _rewrite(raw_copy / "sets.csv", "school_registration", {"ranking_rule_lines": ""}, key="set_id")
    with pytest.raises(TableError) as err:
        load_sets(raw_copy)
    text = str(err.value)
    assert "a campaign has a first and a last day" in text
    assert "a set that forbids ranking cites the rule's seed lines" in text


def add_fifth_set(raw_copy: Path) -> None:
    """The national project "Білімді ұлт" (decree No. 726, seed 000 line 11) written into a copy of data/raw as rows
    and files only: a registry row, one indicator, an empty rules file."""
    with (raw_copy / "sets.csv").open(encoding="utf-8", newline="") as fh:
        fields = next(csv.reader(fh))
    row = dict.fromkeys(fields, "") | {
        "set_id": "bilimdi_ult",
        "name_kk": "«Білімді ұлт» сапалы білім беру ұлттық жобасы",
        "name_ru": "Национальный проект «Качественное образование «Образованная нация»",
        "name_en": "National project 'Quality education: an educated nation'",
        "code_pattern": r"^BU(\.[a-z0-9_]+)+$",
        "catalogue_format": "set",
        "document_kind": "decree",
        "document_number": "726",
        "document_date": "2021-10-12",
        "document_issuer_en": "Government of the Republic of Kazakhstan",
        "document_quote_kk": "Қазақстан Республикасы Үкіметінің 2021 жылғы 12 қазандағы № 726 қаулысымен бекітілген «Білімді ұлт",
        "document_lines": "11-11",
        "seed_file": "000_ed42ef6b02436785.txt",
        "reporting_unit": "region",
        "period_kind": "programme_years",
        "first_year": "2021",
        "last_year": "2025",
        "interim_returns": "no",
        "has_targets": "no",
        "ranking_forbidden": "no",
        "suppression_applies": "no",
    }
    with (raw_copy / "sets.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fields, lineterminator="\n").writerow(row)
    (raw_copy / "bilimdi_ult").mkdir()
    src = raw_copy / "road_to_school_2023"
    header = (src / "indicators.csv").read_text(encoding="utf-8").splitlines()[0]
    (raw_copy / "bilimdi_ult" / "rules.csv").write_text(
        (src / "rules.csv").read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8"
    )
    ind_fields = header.split(",")
    indicator = dict.fromkeys(ind_fields, "") | {
        "code": "BU.rural_schools",
        "name_kk": "Ауылдық мектептер",
        "name_ru": "Сельские школы",
        "name_en": "Rural schools",
        "unit": "count",
        "unit_kk": "бірлік",
        "kind": "count",
        "decimals": "0",
        "hard_min": "0",
        "reporting_unit": "region",
        "reference_point": "period_end",
        "settlement_split": "no",
        "subject": "provision",
        "suppress": "no",
        "required": "yes",
        "rollup": "sum",
        "seed_lines": "11-11",
        "seed_words_kk": "ауылдық мектептері",
        "design": "transcribed",
    }
    with (raw_copy / "bilimdi_ult" / "indicators.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, ind_fields, lineterminator="\n")
        w.writeheader()
        w.writerow(indicator)


def test_a_fifth_set_needs_data_files_and_words_only(raw_copy):
    """The national project "Білімді ұлт" (decree No. 726 of 12 Oct 2021, named on seed 000 line 11) added as rows and
    files, no code: it loads, passes its contract and proves itself against the seed like the others."""
    add_fifth_set(raw_copy)
    sets = load_sets(raw_copy)
    assert sets["set_id"].to_list()[-1] == "bilimdi_ult"
    frames = load_set_catalogue(raw_copy, "bilimdi_ult")
    assert frames["indicators"]["code"].to_list() == ["BU.rural_schools"]
    assert verify_registry_against_seeds(sets, SEEDS) == []
    assert verify_set_against_seed(frames["indicators"], SEEDS / "000_ed42ef6b02436785.txt") == []
    # The same words cited from the wrong line are caught (line 8 is the campaign's dates).
    _rewrite(raw_copy / "sets.csv", "bilimdi_ult", {"document_lines": "8-8"}, key="set_id")
    found = [p.message for p in verify_registry_against_seeds(load_sets(raw_copy), SEEDS)]
    assert found == [
        "document word 'азастан' not found in order",  # Қазақстан, its Kazakh letters removed as the reader does
        "document number '726' not found",
        "document date 2021-10-12 not found",
    ]


@pytest.mark.slow
def test_a_fifth_set_goes_through_template_ingest_review_build_and_values(raw_copy, tmp_path):
    """The same fifth set, with no code: `bilim template --set bilimdi_ult` writes its return, an officer types 412
    rural schools for Akmola 2023, `bilim ingest --set bilimdi_ult` accepts it, a reviewer accepts it, `bilim build`
    publishes it and `bilim values --set bilimdi_ult` shows 412 for Akmola (KZ-11) and for the nation."""
    import openpyxl

    from contracts.audit import Actor
    from contracts.home import Layout
    from pipelines.review import decide
    from tests.conftest import run_bilim

    add_fifth_set(raw_copy)
    env = {"BILIM_RAW": str(raw_copy), "BILIM_HOME": str(tmp_path / "home")}
    out = tmp_path / "bu.xlsx"
    made = run_bilim("template", "--set", "bilimdi_ult", "--region", "KZ-11", "--year", "2023", "--out", str(out), env=env)
    assert made.returncode == 0, made.stderr
    wb = openpyxl.load_workbook(out)
    ws = wb["data"]
    keys = {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}
    [row] = [r for r in range(4, ws.max_row + 1) if ws.cell(r, keys["indicator_code"]).value == "BU.rural_schools"]
    ws.cell(row, keys["value"]).value = 412
    wb.save(out)
    ingested = run_bilim("ingest", "--set", "bilimdi_ult", "--no-wait", "--json", str(out), env=env)
    assert ingested.returncode == 0, ingested.stdout + ingested.stderr
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        decide(Layout.current(), "accept", "KZ-11", 2023, Actor("rev-1", "Reviewer One"), set_id="bilimdi_ult")
    built = run_bilim("build", env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    shown = run_bilim("values", "--set", "bilimdi_ult", "--format", "json", env=env)
    assert shown.returncode == 0, shown.stderr
    rows = {(r["unit_code"], r["indicator_code"]): r["shown"] for r in json.loads(shown.stdout)}
    assert rows == {("KZ-11", "BU.rural_schools"): "412", ("KZ", "BU.rural_schools"): "412"}
