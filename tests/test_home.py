"""BILIM_HOME: the repository's data/ by default, resolved from the package, never from the current directory."""

import os
import subprocess
import sys

import pytest

from contracts.home import REPO_ROOT, Layout
from contracts.home import bilim_home as resolve_home


@pytest.mark.slow  # starts a subprocess
def test_default_home_is_the_repositorys_data_whatever_the_cwd(tmp_path, monkeypatch):
    monkeypatch.delenv("BILIM_HOME")
    out = subprocess.run(
        [sys.executable, "-c", "from contracts.home import bilim_home; print(bilim_home())"],
        cwd=tmp_path, capture_output=True, text=True, check=True, env={k: v for k, v in os.environ.items() if k != "BILIM_HOME"},
    ).stdout.strip()
    assert out == str(REPO_ROOT / "data")


def test_bilim_home_and_dagster_home_follow_the_environment(bilim_home, monkeypatch):
    layout = Layout.current()
    assert resolve_home() == layout.home
    assert layout.warehouse == bilim_home / "warehouse" / "bilim.duckdb"
    assert layout.dagster_home == bilim_home / "dagster"
    monkeypatch.setenv("DAGSTER_HOME", str(bilim_home / "elsewhere"))
    assert Layout.current().dagster_home == bilim_home / "elsewhere"


def test_no_build_is_published_before_the_first(bilim_home):
    assert Layout.current().current_build_id() is None
