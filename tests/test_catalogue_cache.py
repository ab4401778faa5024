"""The validated catalogue read back from its cache is the frame the contracts validated, and a changed source
file is validated again (pipelines.catalogue.cache)."""

from __future__ import annotations

import shutil

import pytest

from contracts.home import Layout, repo_raw
from pipelines.catalogue.cache import CATALOGUE_FILES, REGION_FILES, cache_key, validated_tables
from pipelines.catalogue.load import load_catalogue, load_regions
from pipelines.tables import TableError


def test_cached_tables_equal_the_validated_ones(tmp_path):
    layout = Layout(tmp_path / "home")
    first = validated_tables(repo_raw(), layout)  # validates and writes the cache
    again = validated_tables(repo_raw(), layout)  # reads it
    direct = {**load_catalogue(repo_raw()), **load_regions(repo_raw())}
    assert set(again) == {*CATALOGUE_FILES, *REGION_FILES}
    for name, frame in direct.items():
        assert again[name].schema == frame.schema and again[name].equals(frame, null_equal=True), name
        assert first[name].equals(frame, null_equal=True)
    assert (layout.catalogue_cache / cache_key(repo_raw()) / "programme_indicators.arrow").is_file()


def test_an_edited_source_is_validated_again(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(repo_raw(), raw)
    layout = Layout(tmp_path / "home")
    validated_tables(raw, layout)
    path = raw / CATALOGUE_FILES["programme_targets"]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = "NO_SUCH_SET" + lines[1][lines[1].index(","):]  # an unknown target set
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(TableError, match="NO_SUCH_SET"):
        validated_tables(raw, layout)
