"""Small numbers are not published (issue 10, DESIGN §9): primary and complementary cell suppression.

The warehouse keeps the true values; every output (pages, downloads, ``bilim`` commands, snapshots, briefing packs)
passes its counts through ``suppress`` before they leave, and shows a hidden cell with ``hidden_mark`` ("<10").

**Primary.** A count about children, pupils or students from 1 to ``threshold - 1`` is hidden (``threshold`` is
``[suppression] threshold`` of ``data/raw/config/monitoring.toml``, 10: the most common statistics-office rule).
Zero is published: "no child" identifies no one, and the usual statistics-office rules (e.g. the "1 to 9" rules of
education and health statistics) leave zeros visible. A cell whose hiding is needed to protect another is hidden
whatever its value, zero included.

**Complementary.** An ``Additivity`` states that some cells sum to another (urban + rural = total; the parts of a
breakdown = its total; the institutions of a region = the region; the regions = the nation), within every
combination of the other key columns. Published totals turn each into an equation a reader can solve, so:

1. *Greedy, to a fixed point*: while some equation has exactly one hidden cell, hide the smallest other visible cell
   of it (a zero too: it costs the reader the least information; that a hidden zero can only move up, leaving the
   protected cell's interval one-sided, is what the audit below checks). Hiding a cell can leave another equation it
   sits in with one hidden cell, so this repeats until no equation has exactly one.
2. *Audit*, because "no equation with exactly one hidden cell" is not enough when equations overlap: in a region ×
   settlement table two separately protected 2×2 blocks joined by one hidden cell make that cell a bridge, and the
   sum of two row equations minus two column equations recovers it although every equation holds ≥ 2 hidden cells.
   The audit therefore (a) row-reduces, exactly (fraction-free, in whole numbers), the published equations over
   the hidden cells and flags every hidden cell the system determines alone (its unit vector lies in the row
   space), and (b) propagates the bounds every hidden count has (≥ 0, whole, each equation, original or derived,
   and each ``Subset``: a category never exceeds its distinct total) to a fixed point and flags a cell whose
   interval collapses to one value or falls entirely inside 1..threshold-1 (it would prove "at least one child,
   fewer than ten"). A flagged cell gets one more complementary cell (the smallest visible one of an equation or
   bound it sits in), and 1–2 repeat until the audit is clean. Only ever hiding more, it stops. Bound propagation
   is not a full linear programme: ``tests/test_suppression.py`` attacks with exact LP bounds where they are cheap.

   A constraint whose total is itself hidden is not special-cased: it is one more equation with a hidden cell, and
   linked constraints (a region's total that is also a part of the nation's) are exactly what the audit reads.

**One mark for every hidden cell.** Primary and complementary cells look the same ("<10", the issue's glyph, in every
language), as statistics offices do (Statistics Canada's "x", ONS's "[c]", Eurostat's "c": one symbol, never a
second one for secondary suppression). Telling them apart would tell the reader which hidden cells are 1..9 and
that bound alone can pin a complementary cell down (``tests/test_suppression.py`` shows one: a 2×2 cycle of hidden
cells, region A urban 9 and rural 11, region B urban 30 and rural 1, leaves A urban anywhere in 8..20 to a reader who
sees one mark, and exactly 9 to one told which two are the 1..9 ones). The price: a complementary cell may
hold 25 and read "<10", so every table with a hidden cell carries ``legend(lang)``, which says the mark means "not
published: fewer than 10 people, or hidden so that such a number cannot be worked out".

**Suppress together what is published together.** Every table cut from the same figures (a region page, its
download, the national roll-up, the ``bilim values`` output) must come from one ``suppress`` call over all the
linked cells, or from identical calls: protection computed per table can be undone by another table that shows a
cell this one hid. ``suppress`` is deterministic and ignores the input's row order, so identical calls agree.

**Rates.** ``suppress_rates`` hides a rate whose numerator is hidden (rate × denominator gives it back) or whose
denominator is hidden (numerator ÷ rate gives it back).

Pure Polars and the standard library; imports nothing of ours outside ``contracts`` (``contracts.home`` for the
configuration's place, ``contracts.locale`` for numbers). Nothing runs at import time.
"""

from __future__ import annotations

import math
import tomllib
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import polars as pl

from contracts.home import repo_raw
from contracts.locale import format_number, format_percent

SUPPRESSED = "suppressed"
REASON = "suppression_reason"
# primary: the count itself is 1..threshold-1; complementary: hidden to protect a primary cell; rate: a rate hidden
# because its numerator or denominator is hidden.
REASONS = ["primary", "complementary", "rate"]
DEFAULT_THRESHOLD = 10
_ROW = "__suppression_row"

LEGEND = {
    "kk": "{mark} — жарияланбайды: {t} адамнан аз, не осындай санды есептеп шығаруға болмайтындай жасырылған",
    "ru": "{mark} — не публикуется: меньше {t} человек или скрыто, чтобы такое число нельзя было вычислить",
    "en": "{mark} — not published: fewer than {t} people, or hidden so that such a number cannot be worked out",
}


@dataclass(frozen=True)
class Additivity:
    """The ``parts`` sum to the ``total``: members of one key ``column``, within every combination of the other
    key columns (each year, indicator, settlement... separately).

    ``total`` may be several members when an equation has a sum on both sides (``end + removed = start + during``).
    A missing or null part is taken as a published zero (a city has no rural row: its total is its urban figure) —
    the cautious reading, since it gives a reader more equations, not fewer; a missing or null total, or no part
    present at all, means no equation."""

    column: str
    total: str | tuple[str, ...]
    parts: tuple[str, ...]

    @property
    def totals(self) -> tuple[str, ...]:
        return (self.total,) if isinstance(self.total, str) else tuple(self.total)


@dataclass(frozen=True)
class Subset:
    """``part`` never exceeds ``whole`` (members of one key ``column``, within every combination of the other
    keys): a category under its distinct total, students with an individual route among those with special needs.
    Not an equation (overlapping categories are never summed), but a bound a reader uses: a hidden category whose
    distinct total is a published 0 is 0."""

    column: str
    part: str
    whole: str


def settlement_split(column: str = "settlement") -> Additivity:
    """urban + rural = total (DESIGN §5: the split series add up to the total)."""
    return Additivity(column, "total", ("urban", "rural"))


def rollups(column: str, children_of: dict[str, Sequence[str]]) -> list[Additivity]:
    """One ``Additivity`` per parent: its children sum to it (institutions to their region, regions to ``KZ``)."""
    return [Additivity(column, parent, tuple(children)) for parent, children in children_of.items() if children]


def catalogue_constraints(indicators: pl.DataFrame, column: str = "indicator_code") -> list[Additivity]:
    """The equations a set's catalogue (``contracts.sets.SetIndicators``) implies between its indicators: the
    ``part_of`` rows of one breakdown sum to their parent. The catalogue says "at most"; where the parts do add up,
    a reader who takes it as an equation learns the most, so protecting against that reader is the cautious choice
    (where they fall short the audit finds the equation inconsistent and hides more). ``not_additive`` rows
    (overlapping categories under a distinct total) are never summed, so they make no equation: pass
    ``catalogue_subsets`` for the bounds they do give."""
    parts = indicators.filter(pl.col("relation") == "part_of")
    out = []
    for (parent, _breakdown), rows in parts.group_by(["parent_code", "breakdown"], maintain_order=True):
        out.append(Additivity(column, parent, tuple(rows["code"].to_list())))
    return out


def catalogue_subsets(indicators: pl.DataFrame, column: str = "indicator_code") -> list[Subset]:
    """The bounds a set's catalogue implies: every ``not_additive`` row (and every ``part_of`` row) ≤ its parent."""
    rows = indicators.filter(pl.col("relation").is_in(["not_additive", "part_of"]))
    return [Subset(column, code, parent) for code, parent in rows.select("code", "parent_code").iter_rows()]


def load_threshold(path: Path | None = None) -> int:
    """``[suppression] threshold`` of ``monitoring.toml`` (default: the repository's); a whole number ≥ 2."""
    path = path or repo_raw() / "config" / "monitoring.toml"
    cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    try:
        value = cfg["suppression"]["threshold"]
    except KeyError as exc:
        raise ValueError(f"{path}: [suppression] threshold is missing") from exc
    if not isinstance(value, int) or isinstance(value, bool) or value < 2:
        raise ValueError(f"{path}: [suppression] threshold must be a whole number >= 2, not {value!r}")
    return value


def hidden_mark(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The one mark of every hidden cell, in every language: ``<10``."""
    return f"<{threshold}"


def legend(lang: str, threshold: int = DEFAULT_THRESHOLD) -> str:
    """The note every table with a hidden cell carries, in ``kk``, ``ru`` or ``en``."""
    return LEGEND[lang].format(mark=hidden_mark(threshold), t=threshold)


def format_cell(
    value: float | None,
    suppressed: bool,
    lang: str,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    decimals: int = 0,
    percent: bool = False,
) -> str:
    """A published cell as text: the mark when hidden, else the number as ``lang`` writes it (``12 345`` / ``12,345``;
    ``94,7 %`` / ``94.7%`` with ``percent``)."""
    if suppressed:
        return hidden_mark(threshold)
    return format_percent(value, lang, decimals) if percent else format_number(value, lang, decimals)


def display_expr(value_col: str, lang: str, *, threshold: int = DEFAULT_THRESHOLD, decimals: int = 0) -> pl.Expr:
    """``format_cell`` as a Polars expression over a suppressed frame (a text column for tables and downloads)."""
    return pl.struct(value_col, SUPPRESSED).map_elements(
        lambda r: format_cell(r[value_col], bool(r[SUPPRESSED]), lang, threshold=threshold, decimals=decimals),
        return_dtype=pl.String,
    )


def is_small(expr: pl.Expr, threshold: int = DEFAULT_THRESHOLD) -> pl.Expr:
    """True for a count from 1 to ``threshold - 1`` (zero and nulls are not small)."""
    return (expr > 0) & (expr < threshold)


# ----------------------------------------------------------------------------------------------------------------
# The solver: cells are row positions; an equation is a list of (cell, coefficient), parts +1 and totals -1, summing
# to zero.


def _equations(
    frame: pl.DataFrame, value_col: str, keys: Sequence[str], groups: Iterable[Additivity]
) -> list[list[tuple[int, int]]]:
    rows = frame.select(*keys, value_col).with_row_index("_i")
    out: list[list[tuple[int, int]]] = []
    for g in groups:
        if g.column not in keys:
            raise ValueError(f"additivity over {g.column!r}, which is not a key column ({', '.join(keys)})")
        other = [k for k in keys if k != g.column]
        coef = {m: -1 for m in g.totals} | {m: 1 for m in g.parts}
        if len(coef) != len(g.totals) + len(g.parts):
            raise ValueError(f"{g}: a member is both a total and a part")
        members = rows.filter(pl.col(g.column).is_in(list(coef)) & pl.col(value_col).is_not_null())
        eqs: dict[tuple, list[tuple[int, int]]] = {}
        for r in members.iter_rows(named=True):
            eqs.setdefault(tuple(r[k] for k in other), []).append((r["_i"], coef[r[g.column]]))
        for eq in eqs.values():
            signs = {c for _, c in eq}
            if signs == {1, -1} and sum(1 for _, c in eq if c < 0) == len(g.totals):
                out.append(eq)
    return out


def _inequalities(frame: pl.DataFrame, value_col: str, keys: Sequence[str], subsets: Iterable[Subset]) -> list[tuple[int, int]]:
    rows = frame.select(*keys, value_col).with_row_index("_i")
    out: list[tuple[int, int]] = []
    for b in subsets:
        if b.column not in keys:
            raise ValueError(f"subset over {b.column!r}, which is not a key column ({', '.join(keys)})")
        other = [k for k in keys if k != b.column]
        members = rows.filter(pl.col(b.column).is_in([b.part, b.whole]) & pl.col(value_col).is_not_null())
        pairs: dict[tuple, dict[str, int]] = {}
        for r in members.iter_rows(named=True):
            pairs.setdefault(tuple(r[k] for k in other), {})[r[b.column]] = r["_i"]
        out += [(p[b.part], p[b.whole]) for p in pairs.values() if len(p) == 2]
    return out


def _components(n: int, equations: list[list[tuple[int, int]]]) -> list[list[int]]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for eq in equations:
        first = find(eq[0][0])
        for cell, _ in eq[1:]:
            root = find(cell)
            if root != first:
                parent[root] = first
    by_root: dict[int, list[int]] = {}
    for e, eq in enumerate(equations):
        by_root.setdefault(find(eq[0][0]), []).append(e)
    return list(by_root.values())


def _rref(rows: list[list[int]], ncols: int) -> list[list[int]]:
    """Reduced row echelon form of an integer augmented matrix (last column the right-hand side), fraction-free:
    each row is kept as a whole multiple (divided by its gcd) of the normalised row, so a row with one non-zero
    coefficient is still "this cell equals that number"."""
    m = [r[:] for r in rows]
    pivot_row = 0
    for col in range(ncols):
        sel = next((i for i in range(pivot_row, len(m)) if m[i][col] != 0), None)
        if sel is None:
            continue
        m[pivot_row], m[sel] = m[sel], m[pivot_row]
        prow = m[pivot_row]
        p = prow[col]
        for i in range(len(m)):
            f = m[i][col]
            if i != pivot_row and f != 0:
                row = [a * p - f * b for a, b in zip(m[i], prow, strict=True)]
                g = math.gcd(*row)
                m[i] = [a // g for a in row] if g > 1 else row
        pivot_row += 1
        if pivot_row == len(m):
            break
    return m[:pivot_row]


def _ceil_div(p: int, q: int) -> int:
    return -((-p) // q)


def _bounds(rows: list[tuple[list[tuple[int, int]], int]], n: int, ineqs=(), sweeps: int = 60):
    """Intervals of the hidden cells (index 0..n-1, whole numbers) implied by x ≥ 0 and the integer rows
    Σ a·x = r, propagated to a fixed point (at most ``sweeps`` passes), with ``ineqs`` (a, b, value of a, value of b):
    x_a ≤ x_b, where an index is None for a published cell and its value is then given. ``hi`` None is unbounded;
    ``lo`` is never below 0."""
    lo: list[int] = [0] * n
    hi: list[int | None] = [None] * n
    for _ in range(sweeps):
        changed = False
        for terms, rhs in rows:
            for k, ak in terms:
                # s = Σ_{j≠k} a_j x_j lies in [smin, smax]; None is -inf / +inf.
                smin: int | None = 0
                smax: int | None = 0
                for j, aj in terms:
                    if j == k:
                        continue
                    if aj > 0:
                        smin = None if smin is None else smin + aj * lo[j]
                        smax = None if smax is None or hi[j] is None else smax + aj * hi[j]
                    else:
                        smin = None if smin is None or hi[j] is None else smin + aj * hi[j]
                        smax = None if smax is None else smax + aj * lo[j]
                    if smin is None and smax is None:
                        break
                # a_k x_k = rhs - s
                if ak > 0:
                    new_lo = None if smax is None else _ceil_div(rhs - smax, ak)
                    new_hi = None if smin is None else (rhs - smin) // ak
                else:
                    new_lo = None if smin is None else _ceil_div(smin - rhs, -ak)
                    new_hi = None if smax is None else (smax - rhs) // -ak
                if new_lo is not None and new_lo > lo[k]:
                    lo[k], changed = new_lo, True
                if new_hi is not None and (hi[k] is None or new_hi < hi[k]):
                    hi[k], changed = new_hi, True
        for a, b, va, vb in ineqs:
            top = vb if b is None else hi[b]
            if a is not None and top is not None and (hi[a] is None or top < hi[a]):
                hi[a], changed = top, True
            floor_ = va if a is None else lo[a]
            if b is not None and floor_ > lo[b]:
                lo[b], changed = floor_, True
        if not changed:
            break
    return lo, hi


class _Component:
    """One connected set of equations and its cells."""

    def __init__(
        self,
        eq_ids: list[int],
        equations,
        n_eqs: int,
        values: list[Fraction],
        threshold: int,
        fixed: frozenset[int] = frozenset(),
    ):
        # links past n_eqs are inequalities [(part, 1), (whole, -1)]: part ≤ whole
        self.fixed = fixed  # cells already published (hidden or shown): never picked
        self.eqs = [equations[e] for e in eq_ids if e < n_eqs]
        self.ineqs = [(equations[e][0][0], equations[e][1][0]) for e in eq_ids if e >= n_eqs]
        self.partners: dict[int, list[int]] = {}
        for a, b in self.ineqs:
            self.partners.setdefault(a, []).append(b)
            self.partners.setdefault(b, []).append(a)
        self.values = values
        self.threshold = threshold
        self.eqs_of: dict[int, list[int]] = {}
        for e, eq in enumerate(self.eqs):
            for cell, _ in eq:
                self.eqs_of.setdefault(cell, []).append(e)
        self.cells = set(self.eqs_of) | set(self.partners)
        # Whole units: counts are whole already; a sum such as tenge with decimals is scaled to whole units (taking
        # the scaled figures as whole numbers only tightens a reader's bounds: the audit errs on the side of hiding).
        self.scale = math.lcm(*(values[c].denominator for c in self.cells)) if self.cells else 1
        self.units = {c: int(values[c] * self.scale) for c in self.cells}

    def _pick(self, cells: Iterable[int], hidden: set[int]) -> int | None:
        visible = [c for c in cells if c not in hidden and c not in self.fixed]
        return min(visible, key=lambda c: (self.values[c], c)) if visible else None

    def greedy(self, hidden: set[int], reason: dict[int, str]) -> None:
        queue = deque(range(len(self.eqs)))
        while queue:
            eq = self.eqs[queue.popleft()]
            if sum(1 for c, _ in eq if c in hidden) != 1:
                continue
            cell = self._pick((c for c, _ in eq), hidden)
            if cell is None:
                continue
            hidden.add(cell)
            reason[cell] = "complementary"
            queue.extend(self.eqs_of.get(cell, []))

    def leaks(self, hidden: set[int], *, pinned_only: bool = False) -> list[int]:
        """The hidden cells a reader can pin down (``pinned_only``: to one value), or bound inside 1..threshold-1."""
        cells = sorted(c for c in self.cells if c in hidden)
        if not cells:
            return []
        pos = {c: i for i, c in enumerate(cells)}
        n = len(cells)
        original: list[tuple[list[tuple[int, int]], int]] = []
        matrix: list[list[int]] = []
        for eq in self.eqs:
            row = [0] * (n + 1)
            terms = []
            rhs = 0
            for c, a in eq:
                if c in pos:
                    row[pos[c]] += a
                    terms.append((pos[c], a))
                else:
                    rhs -= a * self.units[c]
            if terms:
                row[n] = rhs
                matrix.append(row)
                original.append((terms, rhs))
        reduced = _rref(matrix, n)
        found: set[int] = set()
        derived = []
        for row in reduced:
            terms = [(j, a) for j, a in enumerate(row[:n]) if a != 0]
            if len(terms) == 1:
                found.add(cells[terms[0][0]])
            elif terms:
                derived.append((terms, row[n]))
        ineqs = [(pos.get(a), pos.get(b), self.units[a], self.units[b]) for a, b in self.ineqs if a in pos or b in pos]
        lo, hi = _bounds(original + derived, n, ineqs)
        one, small = self.scale, self.threshold * self.scale
        for i, c in enumerate(cells):
            if hi[i] is None:
                continue
            pinned = lo[i] == hi[i] if pinned_only else lo[i] >= hi[i]  # (lo > hi: facts that contradict, not a value)
            if pinned or (not pinned_only and lo[i] >= one and hi[i] < small):
                found.add(c)
        return sorted(found)

    def widen(self, cell: int, hidden: set[int], reason: dict[int, str]) -> bool:
        """Hide one more cell for a leaking ``cell``: the smallest visible one of its equations and bounds, else of
        the whole component's equations that hold a hidden cell. False when nothing is left to hide."""
        near = [c for e in self.eqs_of.get(cell, []) for c, _ in self.eqs[e]] + self.partners.get(cell, [])
        pick = self._pick(near, hidden)
        if pick is None:
            linked = [c for eq in self.eqs if any(x in hidden for x, _ in eq) for c, _ in eq]
            linked += [c for pair in self.ineqs if any(x in hidden for x in pair) for c in pair]
            pick = self._pick(linked, hidden)
        if pick is None:
            return False
        hidden.add(pick)
        reason[pick] = "complementary"
        return True

    def protect(self, hidden: set[int], reason: dict[int, str]) -> None:
        while True:
            self.greedy(hidden, reason)
            leaking = self.leaks(hidden)
            if not leaking:
                return
            if not any([self.widen(c, hidden, reason) for c in leaking]):
                # Nothing near is left to hide, only cells whose fate is fixed: hide every free cell of the component
                # (the fixed cells alone were protected when they were published), then show again each complement
                # the fixed cells pin to one value anyway (showing it tells a reader nothing new).
                for c in self.cells - hidden - self.fixed:
                    hidden.add(c)
                    reason[c] = "complementary"
                for c in self.leaks(hidden, pinned_only=True):
                    if c not in self.fixed and reason.get(c) == "complementary":
                        hidden.discard(c)
                        reason.pop(c)
                return


def _fraction(value: float | int) -> Fraction:
    return Fraction(value) if isinstance(value, int) or float(value).is_integer() else Fraction(repr(float(value)))


def suppress(
    frame: pl.DataFrame,
    *,
    value_col: str,
    keys: Sequence[str],
    groups: Sequence[Additivity] = (),
    subsets: Sequence[Subset] = (),
    threshold: int = DEFAULT_THRESHOLD,
    sensitive_col: str | None = None,
    given_col: str | None = None,
) -> pl.DataFrame:
    """The frame as it may be published: ``value_col`` null where hidden, ``suppressed`` (bool) and
    ``suppression_reason`` (``primary`` | ``complementary`` | null) added; rows and their order unchanged.

    ``given_col`` (nullable bool) marks cells another table already publishes: true hidden there, false shown
    there. Their fate is fixed (they keep it, and are never picked as a complement); only the other cells (null)
    are hidden as needed, so that what this frame shows, read with what was already published, undoes no hidden
    cell. How a second view of the same figures (with returns awaiting review) is protected without changing the
    first.

    ``keys`` identify a cell (unique together); ``groups`` are the additivity constraints between cells,
    ``subsets`` the bounds (a category ≤ its distinct total) a reader also knows;
    ``sensitive_col`` (bool) marks the counts about people that are suppressed when small (default: every row). A
    row outside it is never primary but may be hidden as a complement. Values are non-negative counts (or sums such
    as tenge); a null value is "not reported" and stays as it is.

    Hand-worked (the issue's example): a region reports total 25, urban 7, rural 18. Urban is 1..9: primary, shown
    "<10". Alone in ``urban + rural = total`` it would be 25 − 18 = 7, so the smallest other visible cell, rural
    (18 < 25), is hidden as its complement; the total 25 is shown. A reader sees ``<10 + <10 = 25``: urban could be
    anything from 0 to 25.

    >>> f = pl.DataFrame({"settlement": ["total", "urban", "rural"], "n": [25, 7, 18]})
    >>> suppress(f, value_col="n", keys=["settlement"], groups=[settlement_split()])["suppression_reason"].to_list()
    [None, 'primary', 'complementary']

    A zero is published; where it is the only cell left to protect another, it is hidden whatever its value: total 4,
    urban 4, rural 0 → total and urban primary, rural 0 shown (two hidden cells already: urban − total = 0 tells a
    reader only that they are equal).

    >>> f = pl.DataFrame({"settlement": ["total", "urban", "rural"], "n": [4, 4, 0]})
    >>> suppress(f, value_col="n", keys=["settlement"], groups=[settlement_split()])["n"].to_list()
    [None, None, 0]
    """
    if threshold < 2:
        raise ValueError("threshold must be >= 2")
    missing = [c for c in [*keys, value_col, *([sensitive_col] if sensitive_col else [])] if c not in frame.columns]
    if missing:
        raise ValueError(f"columns missing from the frame: {', '.join(missing)}")
    if frame.select(pl.struct(*keys).is_duplicated().any()).item():
        raise ValueError(f"the key columns ({', '.join(keys)}) do not identify one cell per row")
    if frame.select((pl.col(value_col) < 0).any()).item():
        raise ValueError(f"{value_col} has negative values: suppression is for counts")
    # Work in key order, whatever order the rows came in: the choice between equal candidates then depends on the
    # cells, not on the rows' order, so a page and a download of the same figures hide the same cells (two different
    # patterns, read together, could undo each other).
    original = frame
    extra = [c for c in (sensitive_col, given_col) if c]
    frame = frame.select(*keys, value_col, *extra).with_row_index(_ROW).sort(keys)
    n = frame.height
    raw = frame[value_col].to_list()
    values = [Fraction(0) if v is None else _fraction(v) for v in raw]
    small = frame.select(is_small(pl.col(value_col), threshold).fill_null(False)).to_series()
    if sensitive_col:
        small = small & frame[sensitive_col].fill_null(True)
    given = frame[given_col].to_list() if given_col else [None] * n
    hidden = {i for i, s in enumerate(small.to_list()) if s and given[i] is None}
    reason: dict[int, str] = {i: "primary" for i in hidden}
    for i, g in enumerate(given):
        if g:
            hidden.add(i)
            reason[i] = "complementary"
    fixed = frozenset(i for i, g in enumerate(given) if g is not None)
    equations = _equations(frame, value_col, keys, groups)
    links = equations + [[(a, 1), (b, -1)] for a, b in _inequalities(frame, value_col, keys, subsets)]
    for eq_ids in _components(n, links):
        comp = _Component(eq_ids, links, len(equations), values, threshold, fixed)
        if any(c in hidden for c in comp.cells):
            comp.protect(hidden, reason)
    flags = pl.Series(SUPPRESSED, [i in hidden for i in range(n)], dtype=pl.Boolean)
    reasons = pl.Series(REASON, [reason.get(i) for i in range(n)], dtype=pl.String)
    back = frame.select(_ROW).with_columns(flags, reasons).sort(_ROW)
    return original.with_columns(back[SUPPRESSED], back[REASON]).with_columns(
        pl.when(pl.col(SUPPRESSED)).then(None).otherwise(pl.col(value_col)).alias(value_col)
    )


def suppress_rates(frame: pl.DataFrame, *, rate_cols: Sequence[str], because_of: Sequence[str]) -> pl.DataFrame:
    """Hide the ``rate_cols`` of every row where any of the boolean ``because_of`` columns is true (the suppression
    flags of the rate's numerator and denominator, joined on from ``suppress``'s output): a published rate beside a
    published denominator gives the numerator back, and beside a published numerator the denominator.
    ``suppressed`` and ``suppression_reason`` (``rate``, unless the row was already hidden) are set.

    Hand-worked: 7 of 250 pupils (2.8 %) — numerator 7 is primary, so 2.8 % is hidden too (2.8 % × 250 = 7).
    """
    hit = pl.any_horizontal([pl.col(c).fill_null(False) for c in because_of])
    out = frame.with_columns([pl.when(hit).then(None).otherwise(pl.col(c)).alias(c) for c in rate_cols])
    prior_flag = pl.col(SUPPRESSED).fill_null(False) if SUPPRESSED in frame.columns else pl.lit(False)
    prior_reason = pl.col(REASON) if REASON in frame.columns else pl.lit(None, dtype=pl.String)
    return out.with_columns(
        (prior_flag | hit).alias(SUPPRESSED),
        pl.when(prior_reason.is_not_null()).then(prior_reason).when(hit).then(pl.lit("rate")).otherwise(None).alias(REASON),
    )
