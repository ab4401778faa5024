"""The catalogue as people read it: one line per series with its baseline and targets."""

from __future__ import annotations

import polars as pl

from contracts.programme import TARGET_SET, TARGET_YEARS

YEARS = list(TARGET_YEARS)


def catalogue_listing(indicators: pl.DataFrame, targets: pl.DataFrame) -> pl.DataFrame:
    """One row per series: code, unit, direction, kind, baseline 2018, the decree's targets (``TARGET_YEARS``) and
    the cycle(s)."""
    wide = (
        targets.filter(pl.col("target_set") == TARGET_SET)
        .with_columns(pl.format("t{}", pl.col("year")).alias("col"))
        .pivot(on="col", index="indicator_code", values="value", aggregate_function="first")
    )
    cycles = (
        targets.filter(pl.col("cycle").is_not_null())
        .group_by("indicator_code")
        .agg(pl.col("cycle").sort().str.join(";").alias("cycles"))
    )
    out = (
        indicators.select("code", "level", "unit", "direction", "kind", "reporting", "baseline_2018", "baseline_cycle", "name_en")
        .join(wide, left_on="code", right_on="indicator_code", how="left")
        .join(cycles, left_on="code", right_on="indicator_code", how="left")
    )
    for y in YEARS:
        if f"t{y}" not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=pl.Float64).alias(f"t{y}"))
    return out.select(
        "code", "level", "unit", "direction", "kind", "reporting", "baseline_2018", "baseline_cycle",
        *[f"t{y}" for y in YEARS], "cycles", "name_en",
    )


def _fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def render_table(df: pl.DataFrame, max_name: int = 60) -> str:
    """A fixed-width text table."""
    rows = [[_fmt(v) for v in r] for r in df.iter_rows()]
    rows = [r[:-1] + [r[-1][:max_name]] for r in rows]
    header = df.columns
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)
