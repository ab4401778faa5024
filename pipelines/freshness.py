"""Is the published build up to date with its sources?

The sources are hash-chained logs (``contracts.chain``): the submissions ledger and the review decisions. A build
reads their heads (the hash of each log's last entry) once, at its start, reads the logs only up to those heads,
and records them in its ``manifest.json`` as ``{"sources": {"ledger": <head>, "reviews": <head>}}``. The published
build is current when those equal the logs' heads now. Comparing two hashes read from the files' tails costs
microseconds, so every command can ask: ``bilim ingest`` (also when the file is "unchanged") and ``bilim build``
bring a lagging build up to date, the inbox sensor requests a run, and read-only commands (``bilim gaps``) say on
stderr that the build lags and what to run — they never take the writer lock, so readers never wait.
"""

from __future__ import annotations

import json

from contracts import chain
from contracts.home import Layout

SOURCES = ("ledger", "reviews")


def sources_heads(layout: Layout) -> dict[str, str]:
    """The head of each source log now (``chain.GENESIS`` for a log that is empty or does not exist yet)."""
    return {"ledger": chain._last_hash(layout.ledger), "reviews": chain._last_hash(layout.reviews)}


def published_heads(layout: Layout, build_id: str) -> dict[str, str] | None:
    """The source heads a published build records, ``None`` when its manifest does not record them."""
    try:
        manifest = json.loads(layout.build_manifest(build_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    sources = manifest.get("sources") if isinstance(manifest, dict) else None
    return sources if isinstance(sources, dict) else None


def build_lag(layout: Layout) -> str | None:
    """``None`` when the published build holds every entry of the sources; else why it does not (English, for logs
    and ``bilim doctor``; the CLI shows it translated by its reason)."""
    resolution = layout.resolve_build()
    heads = sources_heads(layout)
    if resolution.build_id is None:
        if resolution.problem is not None:
            return "no complete build is published (the published pointer is damaged)"
        if any(h != chain.GENESIS for h in heads.values()):
            return "nothing is published although the ledger holds returns"
        return None
    if resolution.problem is not None:
        return f"the published pointer is damaged ({resolution.problem}); readers are shown build {resolution.build_id}"
    recorded = published_heads(layout, resolution.build_id)
    if recorded is None:
        return f"build {resolution.build_id} does not record which state of the ledger it was built from"
    behind = [name for name in SOURCES if recorded.get(name, chain.GENESIS) != heads[name]]
    if behind:
        return f"the published build {resolution.build_id} lags the {' and the '.join(behind)}"
    return None


def pinned_sources(layout: Layout, heads: dict[str, str]):
    """Every read of the source logs inside this block stops at ``heads`` (what a build read at its start)."""
    return chain.pinned({layout.ledger: heads["ledger"], layout.reviews: heads.get("reviews", chain.GENESIS)})
