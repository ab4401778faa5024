"""The regions map: a choropleth of Kazakhstan's first-level units from ``../shared/reference/kz_adm1_2022.geojson``
(geokz by Alexander Rodionov, CC BY 4.0; see its ``.md``), coloured by status, labelled with value and gap where
the unit is large enough, and drawn in the borders of the chosen year: before the split of 8 June 2022 the three
new oblys are dissolved back into their parents, so a pre-2022 year shows the 17 units that existed then.

Pure functions: frames in, a plotly figure out; nothing here imports Streamlit. The dissolve needs no geometry
library: the file's neighbours share identical border vertices (topology-preserving simplification, snapped to a
1e-4 degree grid), so the union of a parent and its child is their rings' edges minus the edges both share (each
is walked once in each direction), chained back into rings. The file's winding (exterior rings clockwise, holes
counter-clockwise, as plotly's d3-geo wants) is kept by construction.

Offline: the base layers are hidden and the geo subplot fits the locations, but plotly.js still fetches a world
topojson for any geo subplot; ``charts.plot_config`` points ``topojsonURL`` at an empty topology held in a
``data:`` URL, so nothing is requested from cdn.plot.ly (or anywhere).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from contracts.home import shared_dir
from contracts.programme import census_date
from dashboard.charts import STATUS_COLORS, _layout, status_label, wrap
from dashboard.i18n import STATUS_ORDER, t
from dashboard.views import format_gap, format_value

GEOJSON_NAME = "kz_adm1_2022.geojson"
# Units smaller than this (deg², about 5 % of an average oblys) get no printed label: the three cities of
# republican significance (0.08-0.13 deg²) are read on hover.
LABEL_MIN_AREA = 1.0


def geojson_path() -> Path:
    return shared_dir() / "reference" / GEOJSON_NAME


@lru_cache(maxsize=2)
def _load(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def boundaries(path: Path | None = None) -> dict:
    """The 20-unit FeatureCollection (read once per process)."""
    return _load(str(path or geojson_path()))


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def signed_area(ring: list[list[float]]) -> float:
    """Shoelace area in deg²: negative for a clockwise ring (the file's exteriors), positive for its holes."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False)) / 2.0


def _contains(ring: list[list[float]], point: list[float]) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def dissolve(geometries: list[dict]) -> dict:
    """The union of polygons that share borders vertex for vertex, as one GeoJSON geometry.

    Every directed edge of every ring is collected; an edge whose reverse is also present is an inner border and
    both copies go. What is left is chained into closed rings (at a vertex with several ways out, the first unused
    one is taken). Clockwise rings are exteriors, counter-clockwise ones holes, each hole given to the exterior
    that contains it."""
    edges: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for g in geometries:
        for polygon in _polygons(g):
            for ring in polygon:
                edges += [(tuple(a), tuple(b)) for a, b in zip(ring, ring[1:], strict=False) if tuple(a) != tuple(b)]
    present = set(edges)
    kept = [e for e in edges if (e[1], e[0]) not in present]
    outgoing: dict[tuple[float, float], list[tuple[float, float]]] = {}
    for a, b in kept:
        outgoing.setdefault(a, []).append(b)
    rings: list[list[list[float]]] = []
    for start in list(outgoing):
        while outgoing.get(start):
            ring = [start]
            here = start
            while True:
                here = outgoing[here].pop(0)
                ring.append(here)
                if here == start or not outgoing.get(here):
                    break
            if ring[-1] == start and len(ring) >= 4:
                rings.append([list(p) for p in ring])
    exteriors = [r for r in rings if signed_area(r) < 0]
    holes = [r for r in rings if signed_area(r) > 0]
    polygons: list[list[list[list[float]]]] = [[r] for r in sorted(exteriors, key=signed_area)]
    for hole in holes:
        for polygon in polygons:
            if _contains(polygon[0], hole[0]):
                polygon.append(hole)
                break
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def merged_into(changes: pl.DataFrame, year: int) -> dict[str, str]:
    """Child -> parent for every split not yet in force on the census day of ``year`` (from ``region_changes``)."""
    day = census_date(year)
    splits = changes.filter((pl.col("change") == "split_off") & (pl.col("changed_on") > day))
    return dict(zip(splits["to_region"], splits["from_region"], strict=True))


def territories(changes: pl.DataFrame, year: int, path: Path | None = None) -> dict:
    """The units of ``year`` as a FeatureCollection keyed by ``id`` = region code: the 20 units from 8 June 2022,
    and before it 17, each parent of a 2022 split drawn with its child dissolved into it (its borders of then).
    Each feature's properties carry ``members`` (the codes of today's units it covers)."""
    gj = boundaries(path)
    by_code = {f["id"]: f for f in gj["features"]}
    children = {c: p for c, p in merged_into(changes, year).items() if c in by_code and p in by_code}
    features = []
    for f in gj["features"]:
        code = f["id"]
        if code in children:
            continue
        members = [code] + sorted(c for c, p in children.items() if p == code)
        geometry = f["geometry"] if len(members) == 1 else dissolve([by_code[m]["geometry"] for m in members])
        properties = {**f["properties"], "members": members}
        features.append({"type": "Feature", "id": code, "properties": properties, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def label_point(geometry: dict) -> tuple[float, float, float]:
    """(lon, lat, area) for a label: the centroid of the largest exterior ring, and the total area in deg²."""
    polygons = _polygons(geometry)
    total = sum(-signed_area(p[0]) for p in polygons)
    ring = min((p[0] for p in polygons), key=signed_area)
    a = signed_area(ring)
    cx = sum((p[0] + q[0]) * (p[0] * q[1] - q[0] * p[1]) for p, q in zip(ring, ring[1:], strict=False)) / (6 * a)
    cy = sum((p[1] + q[1]) * (p[0] * q[1] - q[0] * p[1]) for p, q in zip(ring, ring[1:], strict=False)) / (6 * a)
    return cx, cy, total


def default_series(gaps: pl.DataFrame, indicators: pl.DataFrame, year: int, preferred: str | None = None) -> str | None:
    """The series the overview maps: ``preferred`` (the most-missed target indicator) when regions report it in
    ``year``, else the first regional series in the programme's order with regional values that year."""
    regional = indicators.filter(pl.col("reporting") == "regional")
    with_values = set(
        gaps.filter((pl.col("year") == year) & (pl.col("region_code") != "KZ") & pl.col("actual").is_not_null())[
            "indicator_code"
        ].to_list()
    )
    if preferred in with_values and preferred in set(regional["code"].to_list()):
        return preferred
    ordered = regional.with_row_index("_o").sort(pl.col("level") != "target", "_o")["code"].to_list()
    return next((c for c in ordered if c in with_values), None)


def values_for(gaps: pl.DataFrame, code: str, year: int) -> pl.DataFrame:
    """The regions' rows of one series and year (settlement total) that the map colours."""
    return gaps.filter(
        (pl.col("indicator_code") == code)
        & (pl.col("year") == year)
        & (pl.col("settlement") == "total")
        & (pl.col("region_code") != "KZ")
    ).select("region_code", "actual", "target", "gap", "status")


def region_map(
    values: pl.DataFrame,
    changes: pl.DataFrame,
    names: dict[str, str],
    year: int,
    lang: str,
    unit: str,
    decimals: int,
    subject: str | None = None,
    path: Path | None = None,
) -> go.Figure:
    """A choropleth of ``values`` (region_code, actual, target, gap, status) in the units of ``year``.

    One trace per status, so the legend names each status (with its mark) in ``lang``; units without a value are
    drawn as "no data". Hover: name, value, target, gap and status; printed labels: value and gap, for units large
    enough to hold them. The boundaries' attribution is the figure's footnote."""
    gj = territories(changes, year, path)
    rows = {r["region_code"]: r for r in values.iter_rows(named=True)}
    by_status: dict[str, list[str]] = {}
    hover: dict[str, str] = {}
    label_lon, label_lat, label_text = [], [], []
    for f in gj["features"]:
        code = f["id"]
        r = rows.get(code, {})
        status = r.get("status") or "no_data"
        by_status.setdefault(status, []).append(code)
        value = format_value(r.get("actual"), unit, decimals, lang)
        gap = format_gap(r.get("gap"), unit, decimals, lang)
        name = names.get(code, f["properties"].get(f"name_{lang}", code))
        lines = [
            f"<b>{name}</b>",
            f"{t('col_actual', lang)}: {value}",
            f"{t('col_target', lang)}: {format_value(r.get('target'), unit, decimals, lang)}",
            f"{t('col_gap', lang)}: {gap}",
            f"{t('col_status', lang)}: {status_label(status, lang)}",
        ]
        members = f["properties"]["members"]
        if len(members) > 1:
            lines.append(t("map_within_borders", lang, year=year, parts=", ".join(names.get(m, m) for m in members[1:])))
        hover[code] = "<br>".join(lines)
        lon, lat, area = label_point(f["geometry"])
        if area >= LABEL_MIN_AREA and r.get("actual") is not None:
            label_lon.append(lon)
            label_lat.append(lat)
            label_text.append(value if r.get("gap") is None else f"{value}<br>{gap}")
    by_id = {f["id"]: f for f in gj["features"]}
    fig = go.Figure()
    for status in [s for s in STATUS_ORDER if s in by_status]:
        codes = by_status[status]
        fig.add_trace(
            go.Choropleth(
                # each trace carries only its own units' shapes: the whole file once per status would send up to
                # six copies (about 1 MB) to the browser
                geojson={"type": "FeatureCollection", "features": [by_id[c] for c in codes]},
                locations=codes,
                z=[1] * len(codes),
                colorscale=[[0, STATUS_COLORS[status]], [1, STATUS_COLORS[status]]],
                zmin=0,
                zmax=1,
                showscale=False,
                marker={"line": {"color": "#ffffff", "width": 0.8}},
                name=status_label(status, lang),
                showlegend=True,
                legendgroup=status,
                text=[hover[c] for c in codes],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scattergeo(
            lon=label_lon, lat=label_lat, text=label_text, mode="text", showlegend=False, hoverinfo="skip",
            textfont={"size": 10, "color": "#111111"},
        )
    )
    fig.update_geos(
        fitbounds="locations",
        visible=False,
        showcountries=False, showcoastlines=False, showland=False, showocean=False, showlakes=False, showrivers=False,
        showframe=False,
        # Orthographic, centred by fitbounds on the country: the view from above it, shapes true, and a frame
        # wide enough to fill the plot (a square-framed mercator or conic filled half of it).
        projection={"type": "orthographic"},
    )
    title = t("map_title", lang) + (f" · {subject}" if subject else "")
    title = wrap(title, 70)
    if len(gj["features"]) < len(boundaries(path)["features"]):
        title += "<br><sup>" + wrap(t("map_pre_split", lang, year=year, n=len(gj["features"])), 120) + "</sup>"
    fig = _layout(fig, lang, title, height=580)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 90, "b": 120}, legend={"orientation": "h", "y": -0.01, "yanchor": "top"})
    fig.add_annotation(
        text="<br>".join(wrap(part, 110) for part in t("map_attribution", lang).split("<br>")),
        xref="paper", yref="paper", x=0, y=-0.13, xanchor="left", yanchor="top",
        showarrow=False, align="left", font={"size": 9, "color": "#444444"},
    )
    return fig
