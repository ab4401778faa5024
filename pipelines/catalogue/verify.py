"""Check catalogue rows against the seed lines they cite (the catalogue proves itself against the source)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from pipelines.catalogue.seed import name_appears, numbers_appear, read_lines


@dataclass(frozen=True)
class SeedProblem:
    code: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.code} ({self.where}): {self.message}"


def _num(text: str) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def verify_against_seed(indicators_csv: Path, targets_csv: Path, seed: Path) -> list[SeedProblem]:
    """Every problem found: name words not in order, baseline/targets not in order, plan figures missing."""
    with targets_csv.open(encoding="utf-8", newline="") as fh:
        targets: dict[str, list[tuple[int, float]]] = {}
        for row in csv.DictReader(fh):
            targets.setdefault(row["indicator_code"], []).append((int(row["year"]), float(row["value"])))
    problems: list[SeedProblem] = []
    with indicators_csv.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["code"]
            try:
                text = read_lines(seed, row["seed_lines"])
            except ValueError as exc:
                problems.append(SeedProblem(code, "seed_lines", str(exc)))
                continue
            ok, missing = name_appears(row["name_kk"], text)
            if not ok:
                problems.append(SeedProblem(code, f"lines {row['seed_lines']}", f"name word {missing!r} not found in order"))
            series = [v for _, v in sorted(targets.get(code, []))]
            base = _num(row["baseline_2018"])
            wanted = ([base] if base is not None else []) + series
            ok, value = numbers_appear(wanted, text)
            if not ok:
                problems.append(SeedProblem(code, f"lines {row['seed_lines']}", f"figure {value} not found in order in {wanted}"))
            if row["plan_check"] in ("agree_garbled", "disagree") and not (row["plan_note"] or "").strip():
                problems.append(SeedProblem(code, "plan_note", f"plan_check is {row['plan_check']} but plan_note is empty"))
            if row["plan_check"] == "agree":
                if not row["plan_lines"]:
                    problems.append(SeedProblem(code, "plan_lines", "plan_check is agree but plan_lines is empty"))
                    continue
                plan_text = read_lines(seed, row["plan_lines"])
                ok, value = numbers_appear(series, plan_text)
                if not ok:
                    problems.append(
                        SeedProblem(code, f"plan {row['plan_lines']}", f"target {value} not found in order in {series}")
                    )
    return problems


if __name__ == "__main__":  # pragma: no cover - a helper for curators
    import sys

    ind, tgt, seed_path = (Path(a) for a in sys.argv[1:4])
    found = verify_against_seed(ind, tgt, seed_path)
    for p in found:
        print(p)
    print(f"{len(found)} problem(s)")
    sys.exit(1 if found else 0)
