"""Plotly figures: pure functions, frame in, figure out (the regions map is in ``dashboard.map``).

Every status is drawn with its colour (colour-blind-safe palette), its shape and its word; every number is written
the language's way (``contracts.locale``); ``plot_config`` is the one place that sets the modebar's image download
(PNG or SVG, a file name with chart, indicator, region, year and language) and keeps plotly.js from fetching
anything (its world topojson for geo subplots comes from a ``data:`` URL).
"""

from __future__ import annotations

import json
import re
import textwrap
from urllib.parse import quote

import plotly.graph_objects as go
import polars as pl

from contracts.glossary import QUALITY_COLORS, QUALITY_ORDER
from dashboard.i18n import STATUS_COLORS, STATUS_ORDER, STATUS_SYMBOLS, format_number, plotly_separators, t
from dashboard.views import format_gap, format_value

FONT = "DejaVu Sans, Arial, sans-serif"
IMAGE_FORMATS = ("png", "svg")
# plotly.js fetches ``<topojsonURL>world_110m.json`` for every geo subplot, even with its base layers hidden. An
# empty topology is all it needs then; a ``data:`` URL ending in "#" holds it, the file name plotly.js appends
# lands in the fragment (ignored), and no request leaves the browser (nor kaleido's Chromium).
_EMPTY = {"type": "GeometryCollection", "geometries": []}
EMPTY_TOPOLOGY = {
    "type": "Topology",
    "objects": {k: _EMPTY for k in ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")},
    "arcs": [],
}
TOPOJSON_URL = "data:application/json," + quote(json.dumps(EMPTY_TOPOLOGY, separators=(",", ":"))) + "#"


def status_label(status: str, lang: str) -> str:
    """The legend's and hover's status: its shape and its word (``✕ артта қалу``)."""
    return f"{STATUS_SYMBOLS.get(status, '')} {t(f'status_{status}', lang)}".strip()


def image_name(*parts: object) -> str:
    """A file name for a chart image: ``bilim_ranked_G1.T1.age1_6_2024_kk`` (no spaces or path characters)."""
    words = [re.sub(r"[^0-9A-Za-z._-]+", "-", str(p)).strip("-") for p in ("bilim", *parts) if p not in (None, "")]
    return "_".join(w for w in words if w)


def plot_config(fmt: str, *name_parts: object) -> dict:
    """The config every chart is shown with: the modebar's camera downloads the chart (client-side, offline) as
    ``fmt`` (png or svg) named after ``name_parts``; no plotly logo; geo subplots read the empty local topology."""
    if fmt not in IMAGE_FORMATS:
        fmt = "png"
    return {
        "displaylogo": False,
        "displayModeBar": True,
        "toImageButtonOptions": {"format": fmt, "filename": image_name(*name_parts), "scale": 2 if fmt == "png" else 1},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        "topojsonURL": TOPOJSON_URL,
    }


def _layout(fig: go.Figure, lang: str, title: str | None = None, height: int = 380, legend_below: bool = True) -> go.Figure:
    fig.update_layout(
        title=title,
        separators=plotly_separators(lang),
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 60 if title else 10, "b": 10},
        height=height,
        template="plotly_white",
        legend={"orientation": "h", "y": -0.12, "yanchor": "top"} if legend_below else {},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


def _status_legend(fig: go.Figure, statuses: list[str], lang: str) -> None:
    """Legend entries for ``statuses``, as empty traces: a colour swatch, then the status's shape and word."""
    for s in statuses:
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", name=status_label(s, lang), legendgroup=s, hoverinfo="skip",
                marker={"color": STATUS_COLORS[s], "size": 13, "symbol": "square", "line": {"color": "#333", "width": 1}},
            )
        )


def wrap(text: str, width: int = 42) -> str:
    """A long name on several lines for an axis (plotly breaks lines only at ``<br>``)."""
    return "<br>".join(textwrap.wrap(text, width=width)) or text


def trajectory(
    national: pl.DataFrame,
    targets: pl.DataFrame,
    baseline: float | None,
    lang: str,
    unit: str,
    decimals: int,
    verdict: str | None = None,
) -> go.Figure:
    """The 2018 baseline, the yearly (or cycle) targets and the actuals on one time axis, each point labelled in
    the language's numbers; ``verdict`` (the pace or end-of-programme verdict, already in words) is the subtitle."""
    fig = go.Figure()
    unit_label = t(f"unit_{unit}", lang)

    def fmt(values):
        return [format_value(v, unit, decimals, lang) for v in values]

    if targets.height:
        fig.add_trace(go.Scatter(
            x=targets["year"].to_list(), y=targets["target"].to_list(), name=t("series_target", lang), mode="lines+markers",
            line={"dash": "dash", "color": "#555555"}, marker={"symbol": "square-open", "size": 9},
            text=fmt(targets["target"]), hovertemplate="%{x}: %{text}<extra>" + t("series_target", lang) + "</extra>",
        ))
    if national.height:
        fig.add_trace(
            go.Scatter(
                x=national["year"].to_list(),
                y=national["actual"].to_list(),
                name=t("series_actual", lang),
                mode="lines+markers+text",
                line={"color": STATUS_COLORS["met"], "width": 3},
                marker={"size": 9},
                text=fmt(national["actual"]),
                textposition="top center",
                hovertemplate="%{x}: %{text}<extra>" + t("series_actual", lang) + "</extra>",
            )
        )
    if baseline is not None:
        fig.add_trace(
            go.Scatter(
                x=[2018],
                y=[baseline],
                name=t("series_baseline", lang),
                mode="markers+text",
                text=fmt([baseline]),
                textposition="bottom center",
                marker={"symbol": "diamond", "size": 13, "color": "#000000"},
                hovertemplate="%{x}: %{text}<extra>" + t("series_baseline", lang) + "</extra>",
            )
        )
    fig.update_xaxes(title=t("year", lang), dtick=1)
    fig.update_yaxes(title=unit_label)
    title = t("trajectory", lang)
    if verdict:
        title += f"<br><sup>{t('col_pace', lang)}: {verdict}</sup>"
    return _layout(fig, lang, title, height=400)


def pace_words(pace: pl.DataFrame, code: str, region: str, unit: str, decimals: int, lang: str) -> str | None:
    """The pace verdict of a series for a region (``KZ``: national), settlement total, in words: the
    end-of-programme verdict once there is one (with the shortfall when missed), else the pace toward the target."""
    row = pace.filter((pl.col("indicator_code") == code) & (pl.col("region_code") == region) & (pl.col("settlement") == "total"))
    if not row.height:
        return None
    r = row.row(0, named=True)
    if r.get("verdict"):
        text = t(f"verdict_{r['verdict']}", lang)
        if r["verdict"] == "missed" and r.get("verdict_gap") is not None:
            text += f" ({format_gap(r['verdict_gap'], unit, decimals, lang)})"
        return text
    return t(f"pace_{r['pace_status']}", lang)


def value_range(values: list[float | None], target: float | None = None) -> list[float]:
    """An axis range that shows the differences: from 0 when the values spread over much of their size, otherwise
    from a little below the smallest (96-100 % regions do not all look full). Room is left for the labels."""
    points = [v for v in [*values, target] if v is not None]
    if not points:
        return [0.0, 1.0]
    lo, hi = min(points), max(points)
    spread = hi - lo
    if lo >= 0 and (hi == 0 or spread / max(abs(hi), 1e-9) > 0.5):
        return [0.0, hi * 1.12 if hi > 0 else 1.0]
    pad = max(spread, abs(hi) * 0.01, 1e-6)
    return [lo - 0.35 * pad, hi + 0.3 * pad]


def ranked_bars(
    ranked: pl.DataFrame, names: dict[str, str], target: float | None, lang: str, unit: str, decimals: int
) -> go.Figure:
    """Regions as horizontal bars of their actual, the largest shortfall on top, coloured by status with its shape
    and value printed at the bar's end, the target as a labelled line, on a range that shows the differences."""
    frame = ranked.sort("gap", descending=False, nulls_last=False)
    statuses = [s or "no_data" for s in frame["status"]]
    labels = [names.get(c, c) for c in frame["region_code"]]
    values = frame["actual"].to_list()
    texts = [
        f"{format_value(v, unit, decimals, lang)} {STATUS_SYMBOLS.get(s, '')}".strip()
        for v, s in zip(values, statuses, strict=True)
    ]
    hover = [
        f"<b>{n}</b><br>{t('col_actual', lang)}: {format_value(v, unit, decimals, lang)}<br>{t('col_target', lang)}: "
        f"{format_value(tg, unit, decimals, lang)}<br>{t('col_gap', lang)}: {format_gap(g, unit, decimals, lang)}<br>"
        f"{t('col_status', lang)}: {status_label(s, lang)}"
        for n, v, tg, g, s in zip(labels, values, frame["target"], frame["gap"], statuses, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=values,
            orientation="h",
            showlegend=False,
            marker={"color": [STATUS_COLORS.get(s, "#999999") for s in statuses], "line": {"color": "#333333", "width": 0.5}},
            text=texts,
            textposition="outside",
            cliponaxis=False,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    _status_legend(fig, [s for s in STATUS_ORDER if s in set(statuses)], lang)
    if target is not None:
        fig.add_vline(
            x=target,
            line_dash="dash",
            line_color="#222222",
            line_width=2,
            annotation_text=f"{t('series_target', lang)} {format_value(target, unit, decimals, lang)}",
            annotation_position="top",
        )
    fig.update_xaxes(title=t(f"unit_{unit}", lang), range=value_range(values, target), showgrid=True)
    fig.update_yaxes(automargin=True)
    return _layout(fig, lang, t("ranked_by_gap", lang), height=max(320, 26 * frame.height + 150))


def dumbbell(
    urban_rural: pl.DataFrame,
    names: dict[str, str],
    lang: str,
    unit: str,
    decimals: int,
    key: str = "region_code",
    title: str | None = None,
) -> go.Figure:
    """Urban and rural rate per row (a region, or an indicator with ``key="indicator_code"``) joined by a line
    (its length is the gap), the parity index (rural/urban) and its reading printed beside each row; the widest
    gap on top."""
    frame = urban_rural.filter(pl.col("urban").is_not_null() & pl.col("rural").is_not_null()).sort(
        pl.col("gap_urban_rural").abs(), descending=False
    )
    labels = [wrap(names.get(c, c), 60) for c in frame[key]]
    fig = go.Figure()
    for label, u, r in zip(labels, frame["urban"], frame["rural"], strict=True):
        fig.add_trace(
            go.Scatter(
                x=[r, u],
                y=[label, label],
                mode="lines",
                line={"color": "#9e9e9e", "width": 3},
                showlegend=False,
                hoverinfo="skip",
            )
        )
    for col, key, color, symbol in (
        ("urban", "col_urban", STATUS_COLORS["met"], "circle"),
        ("rural", "col_rural", STATUS_COLORS["off_track"], "diamond"),
    ):
        fig.add_trace(
            go.Scatter(
                x=frame[col].to_list(),
                y=labels,
                mode="markers",
                name=t(key, lang),
                marker={"color": color, "size": 12, "symbol": symbol},
                text=[format_value(v, unit, decimals, lang) for v in frame[col]],
                hovertemplate="%{y}: %{text}<extra>" + t(key, lang) + "</extra>",
            )
        )
    right = max([v for v in [*frame["urban"], *frame["rural"]] if v is not None] or [1.0])
    values = [*frame["urban"].to_list(), *frame["rural"].to_list()]
    rng = value_range(values)
    span = rng[1] - rng[0]
    parity = [
        f"{format_number(p, lang, 2)} · {t(f'parity_{s}', lang)}" if p is not None else t("parity_n/a", lang)
        for p, s in zip(frame["parity_index"], frame["parity_status"], strict=True)
    ]
    fig.add_trace(
        go.Scatter(
            x=[max(right, rng[1]) + 0.04 * span] * frame.height,
            y=labels,
            mode="text",
            text=parity,
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
            textfont={"size": 11},
        )
    )
    fig.update_xaxes(title=t(f"unit_{unit}", lang), range=[rng[0], rng[1] + 0.05 * span])
    fig.update_yaxes(automargin=True)
    heading = title or t("urban_vs_rural", lang)
    lines = max((label.count("<br>") + 1 for label in labels), default=1)  # every row as tall as the tallest label
    fig = _layout(
        fig, lang, f"{heading}<br><sup>{t('col_parity', lang)}</sup>", height=max(320, frame.height * (15 * lines + 12) + 150)
    )
    fig.update_layout(margin={"r": 190})
    return fig


def status_heatmap(grid: pl.DataFrame, region_labels: dict[str, str], indicator_names: dict[str, str], lang: str) -> go.Figure:
    """Indicator x region traffic lights: indicators as rows with their names (wrapped, never clipped), regions as
    columns; every cell shows its status's shape, so the grid reads without colour; the legend lists every
    status (no target included) with its shape and word."""
    order = {c: i for i, c in enumerate(indicator_names)}  # the catalogue's order (targets first)
    codes = sorted(dict.fromkeys(grid["indicator_code"].to_list()), key=lambda c: order.get(c, len(order)))
    regions = list(dict.fromkeys(grid.sort("region_code")["region_code"].to_list()))
    index = {s: i for i, s in enumerate(STATUS_ORDER)}
    lookup = {(r, c): s for r, c, s in grid.select("region_code", "indicator_code", "status").iter_rows()}
    z, text, hover = [], [], []
    for c in codes:
        row = [lookup.get((r, c)) or "no_data" for r in regions]
        z.append([index[s] for s in row])
        text.append([STATUS_SYMBOLS.get(s, "") for s in row])
        hover.append([status_label(s, lang) for s in row])  # the region and the indicator come from the axes
    n = len(STATUS_ORDER)
    scale = []
    for i, s in enumerate(STATUS_ORDER):
        scale += [[i / n, STATUS_COLORS[s]], [(i + 1) / n, STATUS_COLORS[s]]]
    y_labels = [wrap(f"{indicator_names.get(c, c)} · {c}", 56) for c in codes]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[region_labels.get(r, r) for r in regions],
            y=y_labels,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 13},
            customdata=hover,
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="<b>%{x}</b><br>%{y}<br>%{customdata}<extra></extra>",
        )
    )
    fig.update_xaxes(tickangle=-40, tickfont={"size": 11}, side="top", automargin=True)
    fig.update_yaxes(autorange="reversed", tickfont={"size": 11}, automargin=True)
    present = set(lookup.values())
    _status_legend(fig, [s for s in STATUS_ORDER if s in present or s in ("no_data", "no_target")], lang)
    # rows are all as tall as the tallest label (plotly gives a heat map's rows one height)
    lines = max((y.count("<br>") + 1 for y in y_labels), default=1)
    fig = _layout(fig, lang, t("status_grid", lang), height=max(480, len(codes) * (14 * lines + 8) + 300))
    fig.update_layout(legend={"orientation": "h", "y": -0.005, "yanchor": "top"}, margin={"b": 90})
    return fig


def completeness_heatmap(grid: pl.DataFrame, region_labels: dict[str, str], lang: str) -> go.Figure:
    """Region x year: each return on time, late, partial or missing, in the glossary's colour-blind-safe colours,
    each cell with its word (so it reads without colour)."""
    states = list(QUALITY_ORDER)
    years = sorted(set(grid["year"].to_list()))
    regions = sorted(set(grid["region_code"].to_list()))
    lookup = {(r, y): s for r, y, s in grid.select("region_code", "year", "state").iter_rows() if s in QUALITY_COLORS}
    z = [[states.index(lookup[(r, y)]) if (r, y) in lookup else None for y in years] for r in regions]
    text = [[t(f"q_{lookup[(r, y)]}", lang) if (r, y) in lookup else "" for y in years] for r in regions]
    n = len(states)
    scale = []
    for i, s in enumerate(states):
        scale += [[i / n, QUALITY_COLORS[s]], [(i + 1) / n, QUALITY_COLORS[s]]]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(y) for y in years],
            y=[region_labels.get(r, r) for r in regions],
            text=text,
            texttemplate="%{text}",
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(fig, lang, t("completeness", lang), height=max(420, 26 * len(regions) + 120))
