"""Small numbers are not published (issue 10): ``contracts.suppression`` hides counts 1..9 and enough neighbours that
no hidden count can be worked back from what is published.

The attack at the bottom is written independently of the module (numpy, not the module's fractions; its own
equations from the table's shape, not ``Additivity``): it reads only the published frame and tries

1. single-unknown elimination, exact in integers, repeated until nothing new is found;
2. exact linear determinability: a hidden cell is recovered when its column is zero in every null-space vector of
   the hidden cells' equation matrix (no combination of equations leaves it free);
3. bounds: every hidden count is ≥ 0 and whole; intervals propagated through every equation (and the "category ≤
   distinct total" inequalities where the table has them) to a fixed point;
4. exact linear-programming bounds where a connected group of hidden cells has one or two degrees of freedom
   (vertex enumeration of the feasible polygon).

A cell is recovered when its interval collapses to one value, or lies inside 1..9 (the reader would know "at least
one child, fewer than ten").
"""

from __future__ import annotations

import doctest
import itertools
import math
import random
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import contracts.suppression as sup
from contracts.home import repo_raw
from contracts.suppression import (
    REASON,
    SUPPRESSED,
    Additivity,
    Subset,
    catalogue_constraints,
    catalogue_subsets,
    format_cell,
    hidden_mark,
    legend,
    load_threshold,
    rollups,
    settlement_split,
    suppress,
    suppress_rates,
)

T = 10
CITIES = ("KZ-71", "KZ-75", "KZ-79")  # Astana, Almaty, Shymkent: wholly urban, no rural rows


# ---------------------------------------------------------------------------------------------------------------
# The attack


def attack(
    published: pl.DataFrame,
    keys: list[str],
    value_col: str,
    equations: list[list[tuple[tuple, int]]],
    inequalities: list[tuple[tuple, tuple]] = (),
    *,
    threshold: int = T,
    known_bounds: dict[tuple, tuple[int, int]] | None = None,
) -> dict[tuple, str]:
    """Every hidden cell a reader of ``published`` can recover, with how. ``equations``: Σ coef·cell = 0 over cell
    keys; ``inequalities``: (a, b) meaning a ≤ b. ``known_bounds`` adds what a reader would know if hidden cells
    carried different marks (primary ones are 1..9)."""
    rows = published.select(*keys, value_col, SUPPRESSED).iter_rows()
    known: dict[tuple, int] = {}
    hidden: list[tuple] = []
    for *key, value, flag in rows:
        if flag:
            assert value is None, "a hidden cell left its value in the published frame"
            hidden.append(tuple(key))
        elif value is not None:
            known[tuple(key)] = value
    leaks: dict[tuple, str] = {}
    if not hidden:
        return leaks
    hidden_set = set(hidden)

    # 1. single-unknown elimination, exact integers
    solved = dict(known)
    progress = True
    while progress:
        progress = False
        for eq in equations:
            unknown = [(k, c) for k, c in eq if k not in solved]
            if len(unknown) == 1 and all(k in solved or k in hidden_set for k, _ in eq):
                k, c = unknown[0]
                solved[k] = -sum(cc * solved[kk] for kk, cc in eq if kk != k) // c
                leaks.setdefault(k, "elimination")
                progress = True

    # The hidden cells' equations: A x = b
    pos = {k: i for i, k in enumerate(hidden)}
    a_rows, b = [], []
    for eq in equations:
        if any(k not in known and k not in hidden_set for k, _ in eq):
            continue  # a cell that is not in the table at all
        row = np.zeros(len(hidden))
        rhs = 0.0
        for k, c in eq:
            if k in pos:
                row[pos[k]] += c
            else:
                rhs -= c * known[k]
        if row.any():
            a_rows.append(row)
            b.append(rhs)
    ineq = [(pos.get(lo_k), pos.get(hi_k), known.get(lo_k), known.get(hi_k)) for lo_k, hi_k in inequalities]

    # 2. exact linear determinability, per connected group of hidden cells
    lo = np.zeros(len(hidden))
    hi = np.full(len(hidden), np.inf)
    for k, (klo, khi) in (known_bounds or {}).items():
        if k in pos:
            lo[pos[k]], hi[pos[k]] = klo, khi
    truth_point = None
    if a_rows:
        a = np.array(a_rows)
        groups = _groups(a)
        for cols in groups:
            sub = a[:, cols][np.abs(a[:, cols]).sum(axis=1) > 0]
            _, s, vt = np.linalg.svd(sub)
            rank = int((s > 1e-9).sum())
            null = vt[rank:]
            for j, col in enumerate(cols):
                if null.shape[0] == 0 or np.abs(null[:, j]).max() < 1e-9:
                    leaks.setdefault(hidden[col], "linear algebra")
        # 3. bounds propagation
        for _ in range(200):
            before = (lo.copy(), hi.copy())
            for row, rhs in zip(a, b, strict=True):
                nz = np.nonzero(row)[0]
                for k in nz:
                    others = [j for j in nz if j != k]
                    smin = sum(row[j] * (lo[j] if row[j] > 0 else hi[j]) for j in others)
                    smax = sum(row[j] * (hi[j] if row[j] > 0 else lo[j]) for j in others)
                    ak = row[k]
                    new_lo, new_hi = ((rhs - smax) / ak, (rhs - smin) / ak) if ak > 0 else ((rhs - smin) / ak, (rhs - smax) / ak)
                    if math.isfinite(new_lo):
                        lo[k] = max(lo[k], math.ceil(new_lo - 1e-9))
                    if math.isfinite(new_hi):
                        hi[k] = min(hi[k], math.floor(new_hi + 1e-9))
            for i_lo, i_hi, v_lo, v_hi in ineq:  # x_lo ≤ x_hi
                if i_lo is not None:
                    hi[i_lo] = min(hi[i_lo], v_hi if i_hi is None else hi[i_hi])
                if i_hi is not None:
                    lo[i_hi] = max(lo[i_hi], v_lo if i_lo is None else lo[i_lo])
            if np.array_equal(before[0], lo) and np.array_equal(before[1], hi):
                break
        # 4. exact LP bounds for groups with one or two degrees of freedom
        truth_point = np.array([_TRUTH[k] for k in hidden]) if _TRUTH else None
        if truth_point is not None:
            for cols in groups:
                sub = a[:, cols][np.abs(a[:, cols]).sum(axis=1) > 0]
                _, s, vt = np.linalg.svd(sub)
                null = vt[int((s > 1e-9).sum()) :]
                if 1 <= null.shape[0] <= 2:
                    box_lo, box_hi = _lp_bounds(truth_point[cols], null.T, lo[cols], hi[cols])
                    lo[cols] = np.maximum(lo[cols], np.ceil(box_lo - 1e-7))
                    hi[cols] = np.minimum(hi[cols], np.floor(box_hi + 1e-7))
    for i, k in enumerate(hidden):
        if lo[i] == hi[i]:
            leaks.setdefault(k, f"interval {int(lo[i])}..{int(hi[i])}")
        elif lo[i] >= 1 and hi[i] <= threshold - 1:
            leaks.setdefault(k, f"interval {int(lo[i])}..{int(hi[i])} inside 1..{threshold - 1}")
    return {k: how for k, how in leaks.items() if k in hidden_set}


# The true values of the table under attack: only step 4 uses them, as one feasible point to parameterise the
# feasible set by (the set itself is what the published figures allow; any feasible point gives the same set).
_TRUTH: dict[tuple, int] = {}


def _groups(a: np.ndarray) -> list[list[int]]:
    """Columns of ``a`` connected through shared rows."""
    n = a.shape[1]
    seen, out = set(), []
    for start in range(n):
        if start in seen:
            continue
        stack, comp = [start], []
        seen.add(start)
        while stack:
            c = stack.pop()
            comp.append(c)
            for r in np.nonzero(a[:, c])[0]:
                for c2 in np.nonzero(a[r])[0]:
                    if c2 not in seen:
                        seen.add(c2)
                        stack.append(c2)
        out.append(sorted(comp))
    return out


def _lp_bounds(x0: np.ndarray, null: np.ndarray, lo: np.ndarray, hi: np.ndarray, big: float = 1e7):
    """Min and max of each x over {x0 + N t : lo ≤ x ≤ hi} (hi capped at ``big``), by enumerating the vertices."""
    hi = np.minimum(hi, big)
    # constraints: N_i t ≥ lo_i - x0_i and -N_i t ≥ x0_i - hi_i
    g = np.vstack([null, -null])
    h = np.concatenate([lo - x0, x0 - hi])
    k = null.shape[1]
    vertices = []
    for combo in itertools.combinations(range(len(g)), k):
        m = g[list(combo)]
        if abs(np.linalg.det(m)) < 1e-9:
            continue
        t = np.linalg.solve(m, h[list(combo)])
        if (g @ t >= h - 1e-7).all():
            vertices.append(x0 + null @ t)
    if not vertices:
        return x0, x0
    v = np.array(vertices)
    return v.min(axis=0), v.max(axis=0)


# ---------------------------------------------------------------------------------------------------------------
# Realistic tables


def _count(rng: random.Random) -> int:
    """Counts as small districts report them: many zeros and 1..9, some tens, a few hundreds."""
    r = rng.random()
    return 0 if r < 0.15 else rng.randint(1, 9) if r < 0.5 else rng.randint(10, 60) if r < 0.9 else rng.randint(100, 500)


def _regions(n: int) -> list[str]:
    codes = ["KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39", "KZ-43"]
    codes += ["KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79"]
    return codes[:n] if n < len(codes) else codes


def region_settlement_table(rng: random.Random, regions: list[str], parts: list[str] | None = None):
    """Regions × urban/rural/total (cities urban only) × optional disjoint parts with their ``all``, and the nation
    ``KZ`` as their sum. Returns the frame (unit, settlement, part, n), the equations and the truth."""
    parts = parts or []
    part_keys = parts + ["all"] if parts else ["all"]
    truth: dict[tuple, int] = {}
    for unit in regions:
        for part in parts or ["all"]:
            truth[(unit, "urban", part)] = _count(rng)
            if unit not in CITIES:
                truth[(unit, "rural", part)] = _count(rng)
        if parts:
            for s in ("urban", "rural"):
                if (unit, s, parts[0]) in truth:
                    truth[(unit, s, "all")] = sum(truth[(unit, s, p)] for p in parts)
        for part in part_keys:
            truth[(unit, "total", part)] = truth[(unit, "urban", part)] + truth.get((unit, "rural", part), 0)
    for s in ("urban", "rural", "total"):
        for part in part_keys:
            truth[("KZ", s, part)] = sum(truth.get((u, s, part), 0) for u in regions)
    eqs: list[list[tuple[tuple, int]]] = []
    for unit in [*regions, "KZ"]:
        for part in part_keys:
            eq = [((unit, "total", part), -1), ((unit, "urban", part), 1)]
            if (unit, "rural", part) in truth:
                eq.append(((unit, "rural", part), 1))
            eqs.append(eq)
        if parts:
            for s in ("urban", "rural", "total"):
                if (unit, s, "all") in truth:
                    eqs.append([((unit, s, "all"), -1)] + [((unit, s, p), 1) for p in parts])
    for s in ("urban", "rural", "total"):
        for part in part_keys:
            eqs.append([(("KZ", s, part), -1)] + [((u, s, part), 1) for u in regions if (u, s, part) in truth])
    frame = pl.DataFrame(
        [{"unit": u, "settlement": s, "part": p, "n": v} for (u, s, p), v in truth.items()],
        schema={"unit": pl.String, "settlement": pl.String, "part": pl.String, "n": pl.Int64},
    )
    groups = [settlement_split(), *rollups("unit", {"KZ": regions})]
    if parts:
        groups.append(Additivity("part", "all", tuple(parts)))
    return frame, eqs, truth, groups


def institution_table(rng: random.Random, n_regions: int = 4):
    """Institutions summing to their region, regions to the nation; two indicators (students with special needs,
    those with an individual route: route ≤ sen, never summed together)."""
    regions = _regions(n_regions)
    children = {r: [f"{r}-U{i}" for i in range(1, rng.randint(1, 5) + 1)] for r in regions}
    truth: dict[tuple, int] = {}
    for insts in children.values():
        for inst in insts:
            sen = _count(rng)
            truth[(inst, "sen")] = sen
            truth[(inst, "route")] = rng.randint(0, sen)
    for ind in ("sen", "route"):
        for r, insts in children.items():
            truth[(r, ind)] = sum(truth[(i, ind)] for i in insts)
        truth[("KZ", ind)] = sum(truth[(r, ind)] for r in regions)
    tree = {**children, "KZ": regions}
    eqs = [[((p, ind), -1)] + [((c, ind), 1) for c in kids] for p, kids in tree.items() for ind in ("sen", "route")]
    ineq = [((u, "route"), (u, "sen")) for u in {k[0] for k in truth}]
    frame = pl.DataFrame(
        [{"unit": u, "indicator": i, "n": v} for (u, i), v in truth.items()],
        schema={"unit": pl.String, "indicator": pl.String, "n": pl.Int64},
    )
    return frame, eqs, ineq, truth, rollups("unit", tree)


def registration_table(rng: random.Random, regions: list[str]):
    """Intra-school registration as regions return it: registered at the start, during the year (distinct), removed,
    at the end, and by the 10 grounds of §22 (overlapping: each ≤ during, never summed), urban/rural/total, with the
    nation. Equations: the settlement split, the nation's columns and the register balance end + removed = start +
    during; bounds: each ground ≤ during."""
    grounds = [f"ground_{i:02d}" for i in range(1, 11)]
    truth: dict[tuple, int] = {}
    for unit in regions:
        for s in ("urban", "rural"):
            if s == "rural" and unit in CITIES:
                continue
            start, during = _count(rng), _count(rng)
            removed = rng.randint(0, start + during)
            vals = {"start": start, "during": during, "removed": removed, "end": start + during - removed}
            vals |= {g: rng.randint(0, during) if rng.random() < 0.6 else 0 for g in grounds}
            for ind, v in vals.items():
                truth[(unit, s, ind)] = v
    indicators = ["start", "during", "removed", "end", *grounds]
    for ind in indicators:
        for unit in regions:
            truth[(unit, "total", ind)] = truth[(unit, "urban", ind)] + truth.get((unit, "rural", ind), 0)
        for s in ("urban", "rural", "total"):
            truth[("KZ", s, ind)] = sum(truth.get((u, s, ind), 0) for u in regions)
    units = [*regions, "KZ"]
    eqs = []
    for unit in units:
        for ind in indicators:
            eq = [((unit, "total", ind), -1), ((unit, "urban", ind), 1)]
            if (unit, "rural", ind) in truth:
                eq.append(((unit, "rural", ind), 1))
            eqs.append(eq)
        for s in ("urban", "rural", "total"):
            if (unit, s, "start") in truth:
                eqs.append(
                    [((unit, s, "end"), 1), ((unit, s, "removed"), 1), ((unit, s, "start"), -1), ((unit, s, "during"), -1)]
                )
    for s in ("urban", "rural", "total"):
        for ind in indicators:
            eqs.append([(("KZ", s, ind), -1)] + [((u, s, ind), 1) for u in regions if (u, s, ind) in truth])
    ineq = [((u, s, g), (u, s, "during")) for (u, s, ind) in truth for g in grounds if ind == "during"]
    frame = pl.DataFrame(
        [{"unit": u, "settlement": s, "indicator": i, "n": v} for (u, s, i), v in truth.items()],
        schema={"unit": pl.String, "settlement": pl.String, "indicator": pl.String, "n": pl.Int64},
    )
    groups = [
        settlement_split(),
        *rollups("unit", {"KZ": regions}),
        Additivity("indicator", ("start", "during"), ("end", "removed")),
    ]
    subsets = [Subset("indicator", g, "during") for g in grounds]
    return frame, eqs, ineq, truth, groups, subsets


def _publish_and_attack(frame, keys, eqs, truth, groups, ineq=(), subsets=(), **kw):
    for eq in eqs:  # the fixture is consistent
        assert sum(c * truth[k] for k, c in eq) == 0
    published = suppress(frame, value_col="n", keys=keys, groups=groups, subsets=subsets, threshold=T)
    _TRUTH.clear()
    _TRUTH.update(truth)
    try:
        return published, attack(published, keys, "n", eqs, list(ineq), **kw)
    finally:
        _TRUTH.clear()


def _check_published(published: pl.DataFrame, truth: dict[tuple, int], keys: list[str]) -> None:
    for row in published.iter_rows(named=True):
        true = truth[tuple(row[k] for k in keys)]
        if 1 <= true <= T - 1:
            assert row[SUPPRESSED] and row[REASON] == "primary", row
        elif row[SUPPRESSED]:
            assert row[REASON] == "complementary" and row["n"] is None, row
        else:
            assert row["n"] == true, row  # published values are the true ones, zeros included


# ---------------------------------------------------------------------------------------------------------------
# Hand-worked examples


def test_the_issue_example_region_25_urban_7():
    """Region total 25, urban 7, rural 18. Urban 7 is 1..9: primary. ``urban + rural = total`` would give it back
    (25 − 18), so rural (the smaller of the other two) is hidden too; the total 25 is shown. A reader sees
    ``<10``, ``<10``, ``25``: urban could be anything from 0 to 25, and so could rural."""
    frame = pl.DataFrame({"settlement": ["total", "urban", "rural"], "n": [25, 7, 18]})
    out = suppress(frame, value_col="n", keys=["settlement"], groups=[settlement_split()])
    assert out["n"].to_list() == [25, None, None]
    assert out[REASON].to_list() == [None, "primary", "complementary"]
    shown = [format_cell(v, s, "ru") for v, s in zip(out["n"], out[SUPPRESSED], strict=True)]
    assert shown == ["25", "<10", "<10"]
    eqs = [[(("total",), -1), (("urban",), 1), (("rural",), 1)]]
    assert attack(out, ["settlement"], "n", eqs) == {}


def test_complementary_cell_is_hidden_whatever_its_value_and_a_non_sensitive_one_too():
    """Urban 3 of a total 403: the only other cell, rural 400, is hidden although it is large; a cell outside the
    sensitive counts (``sensitive=False``) is never primary but is hidden as a complement when needed."""
    frame = pl.DataFrame({"settlement": ["total", "urban", "rural"], "n": [403, 3, 400], "sensitive": [True, True, False]})
    out = suppress(frame, value_col="n", keys=["settlement"], groups=[settlement_split()], sensitive_col="sensitive")
    assert out[REASON].to_list() == [None, "primary", "complementary"]
    frame2 = frame.with_columns(pl.Series("sensitive", [True, False, True]))
    out2 = suppress(frame2, value_col="n", keys=["settlement"], groups=[settlement_split()], sensitive_col="sensitive")
    assert out2[SUPPRESSED].to_list() == [False, False, False]  # 3 is not a count about people: shown


def test_zero_is_published():
    """Zero identifies no one: urban 0, rural 30, total 30 are all shown."""
    frame = pl.DataFrame({"settlement": ["total", "urban", "rural"], "n": [30, 0, 30]})
    out = suppress(frame, value_col="n", keys=["settlement"], groups=[settlement_split()])
    assert out["n"].to_list() == [30, 0, 30] and not out[SUPPRESSED].any()


def test_city_total_equals_its_urban_and_a_zero_is_hidden_when_needed():
    """Astana has no rural row: total 6 = urban 6, both 1..9, both hidden (its equation holds two hidden cells).
    KZ-10 reports 40 = 40 + 0; KZ-11 75 = 30 + 45; the nation 121 = 76 + 45.

    By hand, equation by equation: the nation's total column (40 + <6> + 75 = 121) has one hidden cell: the smallest
    other, KZ-10's total 40, is hidden. The urban column (40 + <6> + 30 = 76): KZ-11's urban 30. KZ-10's own
    equation (<40> = 40 + 0) now has one hidden cell: the smallest other is the zero, hidden whatever its value.
    KZ-11's (75 = <30> + 45): rural 45. Every equation now holds 0 or 2+ hidden cells. A reader is left with one free
    figure: KZ-10 rural r in 0..6 gives Astana 6 − r, KZ-11 urban 30 + r, rural 45 − r, KZ-10 total 40 + r."""
    frame = pl.DataFrame(
        {
            "unit": ["KZ-10"] * 3 + ["KZ-71"] * 2 + ["KZ-11"] * 3 + ["KZ"] * 3,
            "settlement": ["total", "urban", "rural", "total", "urban", "total", "urban", "rural", "total", "urban", "rural"],
            "n": [40, 40, 0, 6, 6, 75, 30, 45, 121, 76, 45],
        }
    )
    groups = [settlement_split(), *rollups("unit", {"KZ": ["KZ-10", "KZ-71", "KZ-11"]})]
    out = suppress(frame, value_col="n", keys=["unit", "settlement"], groups=groups)
    assert out.filter(pl.col(SUPPRESSED)).select("unit", "settlement", REASON).rows() == [
        ("KZ-10", "total", "complementary"),
        ("KZ-10", "rural", "complementary"),
        ("KZ-71", "total", "primary"),
        ("KZ-71", "urban", "primary"),
        ("KZ-11", "urban", "complementary"),
        ("KZ-11", "rural", "complementary"),
    ]
    keys = ["unit", "settlement"]
    units = ("KZ-10", "KZ-71", "KZ-11")
    eqs = [
        [(("KZ-10", "total"), -1), (("KZ-10", "urban"), 1), (("KZ-10", "rural"), 1)],
        [(("KZ-71", "total"), -1), (("KZ-71", "urban"), 1)],
        [(("KZ-11", "total"), -1), (("KZ-11", "urban"), 1), (("KZ-11", "rural"), 1)],
        [(("KZ", "total"), -1), (("KZ", "urban"), 1), (("KZ", "rural"), 1)],
    ]
    eqs += [[(("KZ", s), -1)] + [((u, s), 1) for u in units if (u, s) != ("KZ-71", "rural")] for s in ("urban", "rural", "total")]
    assert attack(out, keys, "n", eqs) == {}


def test_register_balance_two_sided_equation():
    """Registered at the end + removed = registered at the start + registered during (45 + 7 = 40 + 12). Removed 7
    is primary; with the other three shown, 45 + removed = 52 would give it back, so the smallest other cell, during
    12, is hidden: a reader knows only removed = during − 5."""
    frame = pl.DataFrame({"indicator": ["start", "during", "removed", "end"], "n": [40, 12, 7, 45]})
    out = suppress(
        frame, value_col="n", keys=["indicator"], groups=[Additivity("indicator", ("start", "during"), ("end", "removed"))]
    )
    assert out["n"].to_list() == [40, None, None, 45]
    eqs = [[(("start",), -1), (("during",), -1), (("end",), 1), (("removed",), 1)]]
    assert attack(out, ["indicator"], "n", eqs) == {}


def test_bridge_between_two_protected_blocks_is_caught_by_the_audit():
    """Two 2×2 blocks of hidden cells joined by one more hidden cell: every row and column equation has ≥ 2 hidden
    cells (the greedy rule is satisfied) and yet rows 1+2 minus columns 1+2 give the joining cell back. The audit
    hides one more cell so that no combination of equations isolates any hidden cell.

    Table (rows r1..r4, columns c1..c4, with row and column totals); 1..9 cells at (r1,c1), (r2,c2), (r3,c3),
    (r4,c4) and at the bridge (r2,c3)."""
    vals = [
        [5, 30, 40, 50],
        [35, 6, 7, 60],
        [70, 80, 4, 45],
        [90, 100, 55, 3],
    ]
    rows_ = [f"r{i}" for i in range(1, 5)]
    cols = [f"c{j}" for j in range(1, 5)]
    truth = {(r, c): vals[i][j] for i, r in enumerate(rows_) for j, c in enumerate(cols)}
    for i, r in enumerate(rows_):
        truth[(r, "all")] = sum(vals[i])
    for j, c in enumerate(cols):
        truth[("all", c)] = sum(vals[i][j] for i in range(4))
    truth[("all", "all")] = sum(map(sum, vals))
    frame = pl.DataFrame([{"row": r, "col": c, "n": v} for (r, c), v in truth.items()])
    groups = [Additivity("col", "all", tuple(cols)), Additivity("row", "all", tuple(rows_))]
    eqs = [[((r, "all"), -1)] + [((r, c), 1) for c in cols] for r in [*rows_, "all"]]
    eqs += [[(("all", c), -1)] + [((r, c), 1) for r in rows_] for c in [*cols, "all"]]
    published, leaks = _publish_and_attack(frame, ["row", "col"], eqs, truth, groups)
    assert leaks == {}
    _check_published(published, truth, ["row", "col"])


def test_one_mark_for_every_hidden_cell_two_marks_would_leak():
    """Why primary and complementary cells carry the same mark. Region A: urban 9, rural 11, total 20; region B:
    urban 30, rural 1, total 31; the nation 39, 12, 51. Hidden: A urban (9, primary), A rural (11, complement), B
    rural (1, primary), B urban (30, complement) — a 2×2 cycle; with one mark a reader knows only that the four are
    ≥ 0: A urban lies in 8..20 (B rural cannot go below 0). A reader told which two are the 1..9 ones adds A urban ≤ 9
    and B rural ≥ 1, which leave only A urban = 9, B rural = 1, and the whole cycle is recovered."""
    frame = pl.DataFrame(
        {
            "unit": ["KZ-10"] * 3 + ["KZ-11"] * 3 + ["KZ"] * 3,
            "settlement": ["urban", "rural", "total"] * 3,
            "n": [9, 11, 20, 30, 1, 31, 39, 12, 51],
        }
    )
    groups = [settlement_split(), *rollups("unit", {"KZ": ["KZ-10", "KZ-11"]})]
    out = suppress(frame, value_col="n", keys=["unit", "settlement"], groups=groups)
    assert sorted(out.filter(pl.col(SUPPRESSED)).select("unit", "settlement").rows()) == [
        ("KZ-10", "rural"),
        ("KZ-10", "urban"),
        ("KZ-11", "rural"),
        ("KZ-11", "urban"),
    ]
    eqs = [[((u, "total"), -1), ((u, "urban"), 1), ((u, "rural"), 1)] for u in ("KZ-10", "KZ-11", "KZ")]
    eqs += [[(("KZ", s), -1), (("KZ-10", s), 1), (("KZ-11", s), 1)] for s in ("urban", "rural", "total")]
    assert attack(out, ["unit", "settlement"], "n", eqs) == {}
    primary = {("KZ-10", "urban"): (1, 9), ("KZ-11", "rural"): (1, 9)}
    leaks = attack(out, ["unit", "settlement"], "n", eqs, known_bounds=primary)
    assert set(leaks) == {("KZ-10", "urban"), ("KZ-10", "rural"), ("KZ-11", "urban"), ("KZ-11", "rural")}
    assert {format_cell(None, True, lang) for lang in ("kk", "ru", "en")} == {"<10"}


def test_overlapping_categories_make_no_equation():
    """The campaign's categories overlap under a distinct total (``not_additive``): 3 orphans among 250 children
    helped hide the 3, and nothing else — no equation links a category to the distinct total. Tenge amounts are not
    counts about people: 5 000 tenge from sponsors is shown, and the catalogue's form and source breakdowns are the
    only equations the campaign's catalogue implies."""
    indicators = pl.read_csv(repo_raw() / "road_to_school_2023" / "indicators.csv", infer_schema=False)
    cons = catalogue_constraints(indicators)
    assert [(c.total, c.parts) for c in cons] == [
        ("RTS.help.total_kzt", ("RTS.help.cash_kzt", "RTS.help.in_kind_kzt")),
        ("RTS.help.total_kzt", ("RTS.help.source.citizens_kzt", "RTS.help.source.business_kzt", "RTS.help.source.sponsors_kzt")),
    ]
    codes = {
        "RTS.children.distinct": 250,
        "RTS.children.low_income": 180,
        "RTS.children.large_family": 120,
        "RTS.children.orphans": 3,
        "RTS.children.no_parental_care": 11,
        "RTS.help.total_kzt": 905000,
        "RTS.help.cash_kzt": 5000,
        "RTS.help.in_kind_kzt": 900000,
        "RTS.help.source.citizens_kzt": 400000,
        "RTS.help.source.business_kzt": 500000,
        "RTS.help.source.sponsors_kzt": 5000,
    }
    sensitive = dict(indicators.select("code", pl.col("suppress") == "yes").iter_rows())
    frame = pl.DataFrame({"indicator_code": list(codes), "n": list(codes.values())}).with_columns(
        pl.col("indicator_code").replace_strict(sensitive).alias("sensitive")
    )
    bounds = catalogue_subsets(indicators)
    assert Subset("indicator_code", "RTS.children.orphans", "RTS.children.distinct") in bounds
    out = suppress(frame, value_col="n", keys=["indicator_code"], groups=cons, subsets=bounds, sensitive_col="sensitive")
    assert out.filter(pl.col(SUPPRESSED))["indicator_code"].to_list() == ["RTS.children.orphans"]


def test_rates_from_a_hidden_numerator_or_denominator_are_hidden():
    """7 of 250 pupils (2,8 %): the numerator 7 is hidden, so is 2.8 (2.8 % × 250 = 7). 0 of 8 pupils: the
    denominator 8 is hidden, so is the rate (0 %). 12 of 250 (4,8 %) is shown."""
    counts = pl.DataFrame({"unit": ["A", "B", "C"], "num": [7, 0, 12], "den": [250, 8, 250]})
    num = suppress(counts.select("unit", "num"), value_col="num", keys=["unit"])
    den = suppress(counts.select("unit", "den"), value_col="den", keys=["unit"])
    rates = (
        counts.with_columns((100 * pl.col("num") / pl.col("den")).alias("rate"))
        .join(num.select("unit", pl.col(SUPPRESSED).alias("num_hidden")), on="unit")
        .join(den.select("unit", pl.col(SUPPRESSED).alias("den_hidden")), on="unit")
    )
    out = suppress_rates(rates, rate_cols=["rate"], because_of=["num_hidden", "den_hidden"])
    assert out["rate"].to_list() == [None, None, pytest.approx(4.8)]
    assert out[REASON].to_list() == ["rate", "rate", None]
    assert format_cell(4.8, False, "kk", decimals=1, percent=True) == "4,8\u00a0%"
    assert format_cell(None, True, "en", decimals=1, percent=True) == "<10"


def test_threshold_comes_from_configuration(tmp_path: Path):
    """The repository's monitoring.toml says 10; a configuration saying 5 hides 3 and shows 7 (marked "<5")."""
    assert load_threshold() == 10
    cfg = tmp_path / "monitoring.toml"
    cfg.write_text("[suppression]\nthreshold = 5\n", encoding="utf-8")
    t = load_threshold(cfg)
    assert t == 5
    out = suppress(pl.DataFrame({"k": ["a", "b"], "n": [3, 7]}), value_col="n", keys=["k"], threshold=t)
    assert out[SUPPRESSED].to_list() == [True, False]
    assert hidden_mark(t) == "<5" and "5" in legend("kk", t)
    cfg.write_text("[suppression]\nthreshold = 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="whole number >= 2"):
        load_threshold(cfg)
    cfg.write_text("[status]\non_track = 0.95\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing"):
        load_threshold(cfg)


def test_legend_in_three_languages_and_refusals():
    assert legend("en") == "<10 — not published: fewer than 10 people, or hidden so that such a number cannot be worked out"
    assert legend("ru").startswith("<10 — не публикуется") and legend("kk").startswith("<10 — жарияланбайды")
    with pytest.raises(ValueError, match="do not identify one cell"):
        suppress(pl.DataFrame({"k": ["a", "a"], "n": [3, 7]}), value_col="n", keys=["k"])
    with pytest.raises(ValueError, match="negative"):
        suppress(pl.DataFrame({"k": ["a"], "n": [-3]}), value_col="n", keys=["k"])
    with pytest.raises(ValueError, match="not a key column"):
        suppress(pl.DataFrame({"k": ["a"], "n": [3]}), value_col="n", keys=["k"], groups=[settlement_split()])


def test_display_column_in_the_language():
    """A published table's text column: 12 345 (kk/ru, non-breaking space) or 12,345 (en); hidden cells "<10"."""
    frame = pl.DataFrame({"settlement": ["total", "urban", "rural"], "n": [12352, 7, 12345]})
    out = suppress(frame, value_col="n", keys=["settlement"], groups=[settlement_split()])
    assert out.select(sup.display_expr("n", "kk"))["n"].to_list() == ["12\u00a0352", "<10", "<10"]
    assert out.select(sup.display_expr("n", "en"))["n"].to_list() == ["12,352", "<10", "<10"]


def test_row_order_does_not_change_what_is_hidden():
    """A page and a download of the same figures, rows in different orders, hide the same cells: two different
    patterns read together could undo each other."""
    rng = random.Random(7)
    frame, _, _, groups = region_settlement_table(rng, _regions(20))
    keys = ["unit", "settlement", "part"]
    a = suppress(frame, value_col="n", keys=keys, groups=groups)
    b = suppress(frame.sample(fraction=1.0, shuffle=True, seed=3), value_col="n", keys=keys, groups=groups)
    assert a.filter(pl.col(SUPPRESSED)).height > a.filter(pl.col(REASON) == "primary").height  # complements exist
    assert a.sort(keys).equals(b.sort(keys))


def test_input_is_untouched_and_nulls_stay_unreported():
    """The warehouse's frame keeps its true values; a null (not reported) is neither hidden nor an equation's cell."""
    frame = pl.DataFrame({"settlement": ["total", "urban", "rural"], "n": [25, 7, None]})
    out = suppress(frame, value_col="n", keys=["settlement"], groups=[settlement_split()])
    assert frame["n"].to_list() == [25, 7, None]
    # total = urban alone (rural unreported is read as a published zero: the cautious reading) → total hidden too
    assert out[SUPPRESSED].to_list() == [True, True, False]
    assert out["n"].to_list() == [None, None, None]


def test_module_doctests():
    result = doctest.testmod(sup)
    assert result.attempted >= 4 and result.failed == 0


# ---------------------------------------------------------------------------------------------------------------
# The attack on random tables, many seeds


@pytest.mark.parametrize("seed", range(40))
def test_regions_by_settlement_nothing_recovered(seed: int):
    """20 regions (three cities urban only) × urban/rural/total and the nation, random small counts."""
    rng = random.Random(seed)
    regions = _regions(20)
    frame, eqs, truth, groups = region_settlement_table(rng, regions)
    published, leaks = _publish_and_attack(frame, ["unit", "settlement", "part"], eqs, truth, groups)
    assert leaks == {}
    _check_published(published, truth, ["unit", "settlement", "part"])


@pytest.mark.parametrize("seed", range(25))
def test_parts_by_region_and_settlement_nothing_recovered(seed: int):
    """A three-way table: 8 regions × urban/rural/total × 4 disjoint parts and their total, and the nation: every
    cell sits in three equations (its settlement split, its parts, its nation column)."""
    rng = random.Random(1000 + seed)
    regions = _regions(6) + ["KZ-71", "KZ-75"]
    frame, eqs, truth, groups = region_settlement_table(rng, regions, parts=["p1", "p2", "p3", "p4"])
    published, leaks = _publish_and_attack(frame, ["unit", "settlement", "part"], eqs, truth, groups)
    assert leaks == {}
    _check_published(published, truth, ["unit", "settlement", "part"])


@pytest.mark.parametrize("seed", range(20))
def test_registration_by_ground_settlement_and_balance_nothing_recovered(seed: int):
    """The registration set's own shape: 14 indicators linked by the register balance, 10 overlapping grounds bounded
    by the distinct count, urban/rural/total, regions and the nation."""
    rng = random.Random(3000 + seed)
    frame, eqs, ineq, truth, groups, subsets = registration_table(rng, _regions(5) + ["KZ-75"])
    keys = ["unit", "settlement", "indicator"]
    published, leaks = _publish_and_attack(frame, keys, eqs, truth, groups, ineq, subsets)
    assert leaks == {}
    _check_published(published, truth, keys)


@pytest.mark.parametrize("seed", range(40))
def test_institutions_regions_nation_nothing_recovered(seed: int):
    """Institutions summing to their region, regions to the nation (a region with one institution equals it)."""
    rng = random.Random(2000 + seed)
    frame, eqs, ineq, truth, groups = institution_table(rng, n_regions=5)
    subsets = [Subset("indicator", "route", "sen")]
    published, leaks = _publish_and_attack(frame, ["unit", "indicator"], eqs, truth, groups, ineq, subsets)
    assert leaks == {}
    _check_published(published, truth, ["unit", "indicator"])


def test_the_attack_finds_what_plain_greedy_leaves(monkeypatch: pytest.MonkeyPatch):
    """The attack has teeth: on the same random tables, publishing only the primary cells is broken every time, and
    across the seeds the greedy rule alone (the audit switched off) is broken at least once."""
    greedy_only_broken = 0
    for seed in range(25):
        rng = random.Random(1000 + seed)
        regions = _regions(6) + ["KZ-71", "KZ-75"]
        frame, eqs, truth, groups = region_settlement_table(rng, regions, parts=["p1", "p2", "p3", "p4"])
        keys = ["unit", "settlement", "part"]
        primary_only = suppress(frame, value_col="n", keys=keys, threshold=T)
        assert attack(primary_only, keys, "n", eqs) != {}
        with monkeypatch.context() as m:
            m.setattr(sup._Component, "leaks", lambda self, hidden: [])
            greedy = suppress(frame, value_col="n", keys=keys, groups=groups, threshold=T)
        _TRUTH.update(truth)
        try:
            greedy_only_broken += bool(attack(greedy, keys, "n", eqs))
        finally:
            _TRUTH.clear()
    assert greedy_only_broken >= 1
