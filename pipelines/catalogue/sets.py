"""The indicator-set registry (``data/raw/sets.csv``) and each set's catalogue (``data/raw/<set_id>/``).

Load and validate them against ``contracts.sets``, apply the rules across their tables, and prove every row against
the seed document it cites: the re-read uses ``pipelines.catalogue.seed`` (the same reader the programme's catalogue
is proved with), so a set's catalogue is checked exactly as the programme's is.

The programme (``catalogue_format = programme``) keeps its own catalogue and loader (``pipelines.catalogue.load``);
``load_set_catalogue`` hands it over to that loader rather than reading it twice.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl

from contracts.sets import IndicatorSets, Institutions, SetIndicators, SetRules
from pipelines.catalogue.load import _label, load_catalogue, load_regions
from pipelines.catalogue.seed import name_appears, numbers_appear, read_lines
from pipelines.catalogue.set_rule import SetRule
from pipelines.catalogue.verify import SeedProblem
from pipelines.tables import Problem, TableError, load_table

SETS_FILE = "sets.csv"
DEFAULT_SET = "programme"
SET_FILES = {"indicators": "indicators.csv", "rules": "rules.csv", "institutions": "institutions.csv"}
_MODELS = {"indicators": SetIndicators, "rules": SetRules, "institutions": Institutions}
# Kazakh month names as stems that survive case endings (қыркүйек -> қыркүйегінде) and the extraction.
MONTHS_KK = {
    1: "қаңтар",
    2: "ақпан",
    3: "наурыз",
    4: "сәуір",
    5: "мамыр",
    6: "маусым",
    7: "шілде",
    8: "тамыз",
    9: "қыркүйе",
    10: "қазан",
    11: "қараша",
    12: "желтоқсан",
}


# Messages of the rules implied by relations; {child}/{parent} are names in the message's language, {breakdown} the
# breakdown's key.
_NOT_ADDITIVE_MESSAGES = {
    "kk": "«{child}» «{parent}» көрсеткішінен аспауы тиіс: санаттар бір-бірімен қиылысады, оларды қосуға болмайды",
    "ru": "«{child}» не может превышать «{parent}»: категории пересекаются и не суммируются",
    "en": "'{child}' cannot exceed '{parent}': the categories overlap and are never summed",
}
_SUBSET_MESSAGES = {
    "kk": "«{child}» «{parent}» көрсеткішінен аспауы тиіс: олар соның ішінде саналады",
    "ru": "«{child}» не может превышать «{parent}»: они входят в это число",
    "en": "'{child}' cannot exceed '{parent}': they are counted within it",
}
_PARTS_MESSAGES = {
    "kk": "«{parent}» бөліктерінің ({breakdown}) қосындысы оның өзінен аспауы тиіс",
    "ru": "Сумма частей ({breakdown}) не может превышать «{parent}»",
    "en": "The parts by {breakdown} cannot sum to more than '{parent}'",
}


def load_sets(raw_dir: Path) -> pl.DataFrame:
    """The registry of indicator sets, validated; raises ``TableError`` with every problem."""
    label = _label(raw_dir, SETS_FILE)
    path = raw_dir / SETS_FILE
    if not path.exists():
        raise TableError([Problem(label, None, None, "file is missing")])
    df, problems = load_table(path, IndicatorSets, label)
    if not problems and (df.is_empty() or df["set_id"][0] != DEFAULT_SET):
        problems.append(Problem(label, 2, "set_id", f"the first row must be the default set {DEFAULT_SET!r}"))
    if problems:
        raise TableError(problems)
    return df


def get_set(sets: pl.DataFrame, set_id: str) -> dict:
    """The registry row of ``set_id``; ``KeyError`` naming the known sets otherwise."""
    rows = sets.filter(pl.col("set_id") == set_id).to_dicts()
    if not rows:
        raise KeyError(f"unknown indicator set {set_id!r}; known: {', '.join(sets['set_id'].to_list())}")
    return rows[0]


def load_set_catalogue(raw_dir: Path, set_id: str) -> dict[str, pl.DataFrame]:
    """A set's catalogue tables, validated against their contracts and each other; raises ``TableError``.

    For a ``set`` catalogue: ``indicators``, ``rules`` and, for sets reported by institutions, ``institutions``.
    For the programme: the tables of ``load_catalogue``."""
    sets = load_sets(raw_dir)
    meta = get_set(sets, set_id)
    if meta["catalogue_format"] == "programme":
        return load_catalogue(raw_dir)
    frames: dict[str, pl.DataFrame] = {}
    labels: dict[str, str] = {}
    problems: list[Problem] = []
    wanted = ["indicators", "rules"] + (["institutions"] if meta["reporting_unit"] == "institution" else [])
    for name in wanted:
        relpath = f"{set_id}/{SET_FILES[name]}"
        labels[name] = _label(raw_dir, relpath)
        path = raw_dir / relpath
        if not path.exists():
            problems.append(Problem(labels[name], None, None, "file is missing"))
            continue
        df, found = load_table(path, _MODELS[name], labels[name])
        frames[name] = df
        problems += found
    stray = raw_dir / set_id / SET_FILES["institutions"]
    if "institutions" not in wanted and stray.exists():
        problems.append(Problem(_label(raw_dir, f"{set_id}/institutions.csv"), None, None, "the set is reported by regions"))
    if not problems:
        problems = set_catalogue_rules(meta, frames, labels, raw_dir)
    if problems:
        raise TableError(problems)
    return frames


def _side(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("+"))


def set_catalogue_rules(meta: dict, frames: dict[str, pl.DataFrame], labels: dict[str, str], raw_dir: Path) -> list[Problem]:
    """Rules across a set's tables and the registry: codes fit the set, relations point at the right kind of parent,
    rules name known indicators of one unit, institutions lie in known regions."""
    ind = frames["indicators"]
    label = labels["indicators"]
    rows = {r["code"]: r for r in ind.iter_rows(named=True)}
    problems: list[Problem] = []
    pattern = re.compile(meta["code_pattern"])
    for i, r in enumerate(ind.iter_rows(named=True)):
        row = i + 2
        if not pattern.fullmatch(r["code"]):
            problems.append(Problem(label, row, "code", f"{r['code']!r} does not match the set's pattern {meta['code_pattern']}"))
        if r["reporting_unit"] != meta["reporting_unit"]:
            problems.append(
                Problem(label, row, "reporting_unit", f"{r['reporting_unit']!r}; the set is reported by {meta['reporting_unit']}")
            )
        if r["reference_point"] == "to_date" and meta["period_kind"] != "campaign":
            problems.append(Problem(label, row, "reference_point", "to_date needs a dated campaign with interim returns"))
        if r["suppress"] == "yes" and meta["suppression_applies"] != "yes":
            problems.append(Problem(label, row, "suppress", "yes, but sets.csv says suppression does not apply to the set"))
        parent = rows.get(r["parent_code"]) if r["parent_code"] else None
        if r["parent_code"] and parent is None:
            problems.append(Problem(label, row, "parent_code", f"{r['parent_code']!r} is not an indicator of the set"))
            continue
        if parent is None:
            continue
        if parent["code"] == r["code"]:
            problems.append(Problem(label, row, "parent_code", "an indicator cannot be its own parent"))
        if parent["unit"] != r["unit"] or parent["kind"] != r["kind"]:
            problems.append(
                Problem(label, row, "parent_code", f"{parent['code']} is {parent['kind']}; a breakdown has its parent's kind")
            )
        if parent["settlement_split"] != r["settlement_split"]:
            problems.append(Problem(label, row, "settlement_split", f"differs from its parent {parent['code']}"))
        if r["relation"] == "part_of" and parent["relation"] != "total":
            problems.append(Problem(label, row, "relation", f"part_of needs a parent marked total; {parent['code']} is not"))
        if parent["relation"] == "distinct_total" and r["relation"] != "not_additive":
            problems.append(
                Problem(label, row, "relation", f"{parent['code']} is a distinct total: its breakdown rows are not_additive")
            )
    if "rules" in frames:
        rlabel = labels["rules"]
        for i, rule in enumerate(frames["rules"].iter_rows(named=True)):
            codes = _side(rule["lhs"]) + _side(rule["rhs"])
            unknown = [c for c in codes if c not in rows]
            if unknown:
                problems.append(Problem(rlabel, i + 2, None, f"unknown indicator(s) {', '.join(unknown)}"))
                continue
            units = {rows[c]["unit"] for c in codes}
            if len(units) > 1:
                problems.append(Problem(rlabel, i + 2, None, f"mixes units {sorted(units)}; a rule compares like with like"))
    if "institutions" in frames:
        known = set(load_regions(raw_dir)["regions"]["region_code"].to_list())
        for i, inst in enumerate(frames["institutions"].iter_rows(named=True)):
            if inst["region_code"] not in known:
                problems.append(
                    Problem(labels["institutions"], i + 2, "region_code", f"{inst['region_code']!r} is not in regions.csv")
                )
    return problems


def set_rules(frames: dict[str, pl.DataFrame]) -> list[SetRule]:
    """Every check between one return's values: those implied by parent relations, then those of rules.csv."""
    out: list[SetRule] = []
    ind = frames["indicators"]
    names = {r["code"]: r for r in ind.iter_rows(named=True)}
    breakdowns: dict[tuple[str, str], list[str]] = {}
    for r in ind.iter_rows(named=True):
        if r["relation"] == "not_additive":
            parent = names[r["parent_code"]]
            texts = _NOT_ADDITIVE_MESSAGES if parent["relation"] == "distinct_total" else _SUBSET_MESSAGES
            words = {lang: t.format(child=r[f"name_{lang}"], parent=parent[f"name_{lang}"]) for lang, t in texts.items()}
            out.append(SetRule(f"{r['code']}.le_parent", (r["code"],), "le", (r["parent_code"],), "error", "relation", words))
        elif r["relation"] == "part_of":
            breakdowns.setdefault((r["parent_code"], r["breakdown"]), []).append(r["code"])
    for (parent, breakdown), parts in breakdowns.items():
        p = names[parent]
        words = {lang: t.format(parent=p[f"name_{lang}"], breakdown=breakdown) for lang, t in _PARTS_MESSAGES.items()}
        out.append(SetRule(f"{parent}.{breakdown}_parts_le", tuple(parts), "le", (parent,), "error", "relation", words))
    for rule in frames.get("rules", pl.DataFrame()).iter_rows(named=True):
        words = {lang: rule[f"message_{lang}"] for lang in ("kk", "ru", "en")}
        out.append(
            SetRule(rule["rule_id"], _side(rule["lhs"]), rule["op"], _side(rule["rhs"]), rule["severity"], "rules.csv", words)
        )
    return out


def not_additive_groups(indicators: pl.DataFrame) -> dict[str, list[str]]:
    """Distinct totals and the overlapping rows under them, which no output may sum: {total code: [codes]}."""
    totals = indicators.filter(pl.col("relation") == "distinct_total")["code"].to_list()
    out: dict[str, list[str]] = {}
    for t in totals:
        out[t] = indicators.filter((pl.col("parent_code") == t) & (pl.col("relation") == "not_additive"))["code"].to_list()
    return out


def suppressed_codes(indicators: pl.DataFrame) -> list[str]:
    """Codes whose small counts (1-9) are published as "<10"."""
    return indicators.filter(pl.col("suppress") == "yes")["code"].to_list()


def _corrected(words: str, corrections: str | None) -> tuple[str, list[str]]:
    """``words`` with each 'printed→restored' applied; and the printed forms not found in ``words``."""
    missing = []
    for pair in (corrections or "").split(";"):
        if not pair.strip():
            continue
        printed, _, restored = pair.partition("→")
        if printed not in words:
            missing.append(printed)
        words = words.replace(printed, restored)
    return words, missing


def verify_set_against_seed(indicators: pl.DataFrame, seed: Path) -> list[SeedProblem]:
    """Every problem found re-reading the seed lines each indicator cites.

    The seed words must appear in the cited lines in order (Kazakh-specific letters removed on both sides, as
    ``seed.name_appears`` does for the programme). A transcribed indicator's Kazakh name must carry those words
    (after the row's declared corrections of misprints): its name is the document's, not a paraphrase."""
    problems: list[SeedProblem] = []
    for r in indicators.iter_rows(named=True):
        code, where = r["code"], f"lines {r['seed_lines']}"
        try:
            text = read_lines(seed, r["seed_lines"])
        except ValueError as exc:
            problems.append(SeedProblem(code, "seed_lines", str(exc)))
            continue
        ok, missing = name_appears(r["seed_words_kk"], text)
        if not ok:
            problems.append(SeedProblem(code, where, f"seed word {missing!r} not found in order"))
        words, unknown = _corrected(r["seed_words_kk"], r["seed_corrections"])
        for printed in unknown:
            problems.append(SeedProblem(code, "seed_corrections", f"{printed!r} is not among the seed words"))
        if r["design"] == "transcribed":
            ok, missing = name_appears(words, r["name_kk"])
            if not ok:
                problems.append(SeedProblem(code, "name_kk", f"a transcribed name lacks the seed word {missing!r}"))
    return problems


def _date_words(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year} {d.day} {MONTHS_KK[d.month]}"


def verify_registry_against_seeds(sets: pl.DataFrame, seeds_dir: Path) -> list[SeedProblem]:
    """Every problem re-reading what sets.csv cites: the document's words, number and date, the campaign's dates,
    and that the cited rule and form lines exist."""
    problems: list[SeedProblem] = []
    for s in sets.iter_rows(named=True):
        sid = s["set_id"]
        seed = seeds_dir / s["seed_file"]
        if not seed.exists():
            problems.append(SeedProblem(sid, "seed_file", f"{seed} does not exist"))
            continue
        try:
            text = read_lines(seed, s["document_lines"])
        except ValueError as exc:
            problems.append(SeedProblem(sid, "document_lines", str(exc)))
            continue
        where = f"lines {s['document_lines']}"
        ok, missing = name_appears(s["document_quote_kk"], text)
        if not ok:
            problems.append(SeedProblem(sid, where, f"document word {missing!r} not found in order"))
        number = s["document_number"]
        if number and not (number.isdigit() and numbers_appear([float(number)], text)[0]):
            problems.append(SeedProblem(sid, where, f"document number {number!r} not found"))
        if s["document_date"] and not name_appears(_date_words(s["document_date"]), text)[0]:
            problems.append(SeedProblem(sid, where, f"document date {s['document_date']} not found"))
        if s["period_lines"]:
            period_text = read_lines(seed, s["period_lines"])
            for field in ("period_start", "period_end"):
                if s[field] and not name_appears(_date_words(s[field]), period_text)[0]:
                    problems.append(SeedProblem(sid, f"lines {s['period_lines']}", f"{field} {s[field]} not found"))
        for field in ("ranking_rule_lines", "personal_data_lines"):
            if s[field]:
                try:
                    read_lines(seed, s[field])
                except ValueError as exc:
                    problems.append(SeedProblem(sid, field, str(exc)))
    return problems


def failed_rules(values: dict[str, float], rules: list[SetRule]) -> list[SetRule]:
    """The rules one return's values break (values by indicator code, for one unit, period and settlement).

    A rule is skipped when any of its indicators is not reported: a missing value is "not reported", never 0
    (``SetRule.broken``, which the validate path uses too)."""
    return [rule for rule in rules if rule.broken(values)]
