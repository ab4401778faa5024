"""A backup taken while uploads go on restores onto a fresh home to the same marts and snapshots; ``--verify``
finds one changed byte; restore never writes into a home that is not empty."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import polars as pl
import pytest

from contracts import audit, chain
from contracts.home import Layout
from pipelines.signin import write_config
from tests.conftest import grant, run_bilim, submit_and_accept
from tests.returns_factory import filled_return

BILIM = str(Path(sys.executable).parent / "bilim")


def _home_with_one_return(home: Path, tmp_path: Path) -> Layout:
    """One accepted return, one grant and the sign-in settings; nothing built (a backup does not need a build)."""
    from pipelines.returns.ingest import load_context

    layout = Layout(home)
    submit_and_accept(filled_return(tmp_path / "kz75.xlsx", "KZ-75", 2023), load_context(layout), layout)
    grant(layout, "officer-75", "officer", "KZ-75", "Officer of Almaty city")
    write_config(layout, server_metadata_url="http://127.0.0.1:9/.well-known/openid-configuration", client_id="bilim",
                 client_secret="s3cret", redirect_uri="http://127.0.0.1:8501/oauth2callback")
    return layout


def _rewrite(src: Path, dst: Path, change) -> None:
    """Copy a backup member by member; ``change(name, data)`` returns the bytes to write (``None``: drop it)."""
    with tarfile.open(src, "r:gz") as tin, tarfile.open(dst, "w:gz") as tout:
        for info in tin:
            data = change(info.name, tin.extractfile(info).read())
            if data is not None:
                info.size = len(data)
                tout.addfile(info, io.BytesIO(data))


def _manifest(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as tar:
        return json.loads(tar.extractfile("MANIFEST.json").read())


@pytest.mark.slow  # starts a subprocess
def test_verify_passes_on_a_good_backup_and_names_the_file_with_one_changed_byte(bilim_home, tmp_path):
    layout = _home_with_one_return(bilim_home, tmp_path)
    out = tmp_path / "b.tar.gz"
    made = run_bilim("backup", "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert out.stat().st_mode & 0o777 == 0o600  # it holds the sign-in secrets
    members = set(_manifest(out)["files"])
    (archived,) = [m for m in members if m.startswith("raw/returns/archive/")]
    assert {"raw/returns/ledger.jsonl", "raw/returns/reviews.jsonl", "access/audit.jsonl", "access/grants.jsonl",
            "access/auth.toml"} <= members
    good = run_bilim("backup", "--verify", str(out))
    assert good.returncode == 0, good.stderr
    assert "verifies" in good.stdout
    assert audit.read(layout).entries[-1]["action"] == "backup"

    flipped = tmp_path / "flipped.tar.gz"
    _rewrite(out, flipped, lambda name, data: data[:100] + bytes([data[100] ^ 1]) + data[101:] if name == archived else data)
    bad = run_bilim("backup", "--verify", str(flipped))
    assert bad.returncode == 1
    assert f"problem: {archived}: its content does not match" in bad.stderr


@pytest.mark.slow  # starts a subprocess
def test_verify_finds_a_broken_chain_and_a_missing_archived_file(bilim_home, tmp_path):
    _home_with_one_return(bilim_home, tmp_path)
    out = tmp_path / "b.tar.gz"
    assert run_bilim("backup", "--out", str(out)).returncode == 0
    files = _manifest(out)["files"]

    def drop_archive(name, data):
        if name.startswith("raw/returns/archive/"):
            return None
        if name == "MANIFEST.json":
            m = json.loads(data)
            m["files"] = {k: v for k, v in m["files"].items() if not k.startswith("raw/returns/archive/")}
            return json.dumps(m).encode()
        return data

    missing = tmp_path / "missing.tar.gz"
    _rewrite(out, missing, drop_archive)
    result = run_bilim("backup", "--verify", str(missing))
    assert result.returncode == 1
    assert "is not in the backup" in result.stderr and "ledger entry" in result.stderr

    with tarfile.open(out, "r:gz") as tar:
        ledger = tar.extractfile("raw/returns/ledger.jsonl").read()
    assert b'"who": "officer"' in ledger
    forged = ledger.replace(b'"who": "officer"', b'"who": "mallory"')

    def edit_ledger(name, data):
        # A changed ledger line with the manifest rewritten to match: only the hash chain can tell.
        if name == "raw/returns/ledger.jsonl":
            return forged
        if name == "MANIFEST.json":
            m = json.loads(data)
            m["files"]["raw/returns/ledger.jsonl"] = {**files["raw/returns/ledger.jsonl"], "size": len(forged),
                                                      "sha256": hashlib.sha256(forged).hexdigest()}
            return json.dumps(m).encode()
        return data

    edited = tmp_path / "edited.tar.gz"
    _rewrite(out, edited, edit_ledger)
    result = run_bilim("backup", "--verify", str(edited))
    assert result.returncode == 1
    assert "raw/returns/ledger.jsonl: hash chain broken at line 1" in result.stderr


@pytest.mark.slow  # starts a subprocess
def test_restore_refuses_a_home_that_is_not_empty(bilim_home, tmp_path):
    _home_with_one_return(bilim_home, tmp_path)
    out = tmp_path / "b.tar.gz"
    assert run_bilim("backup", "--out", str(out)).returncode == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("an operator's file")
    result = run_bilim("restore", str(out), env={"BILIM_HOME": str(other)})
    assert result.returncode == 1
    assert "is not empty" in result.stderr
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]


def _truncated_to(log: Path, head: str) -> bytes:
    """The bytes of a log up to and including the entry whose hash is ``head``."""
    if head == chain.GENESIS:
        return b""
    out = []
    for line in log.read_bytes().splitlines(keepends=True):
        out.append(line)
        if json.loads(line)["hash"] == head:
            return b"".join(out)
    raise AssertionError(f"{log} does not hold the backup's head {head[:12]}")


def _published(layout: Layout) -> dict[str, pl.DataFrame]:
    build = layout.current_build_id()
    assert build is not None
    folder = layout.build_dir(build)
    tables = json.loads((folder / "manifest.json").read_text())["tables"]
    return {name: pl.read_parquet(folder / f"{name}.parquet") for name in sorted(tables)}


@pytest.mark.slow
def test_a_backup_taken_during_concurrent_uploads_restores_to_the_same_marts_and_snapshots(bilim_home, tmp_path):
    src = _home_with_one_return(bilim_home, tmp_path)
    assert (r := run_bilim("build")).returncode == 0, r.stderr
    assert (r := run_bilim("snapshot")).returncode == 0, r.stderr
    (snapshot_id,) = [p.name for p in src.snapshots.iterdir() if not p.name.startswith(".")]

    files = [filled_return(tmp_path / f"{r}.xlsx", r, 2023) for r in ("KZ-11", "KZ-15", "KZ-19", "KZ-23")]
    before = len(chain.read(src.ledger).entries)
    procs = [subprocess.Popen([BILIM, "ingest", str(f), "--who", "test"], env=dict(os.environ), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for f in files]
    # Take the backup once the first of them is in the ledger, while the others still run.
    deadline = time.monotonic() + 240
    while len(chain.read(src.ledger).entries) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    running_at_backup = sum(p.poll() is None for p in procs)
    out = tmp_path / "during.tar.gz"
    backup = run_bilim("backup", "--out", str(out))
    outs = [p.communicate(timeout=600) for p in procs]
    assert backup.returncode == 0, backup.stderr
    assert [p.returncode for p in procs] == [0] * len(procs), [e for _, e in outs]
    assert running_at_backup >= 1, "every ingest had finished before the backup began: nothing was concurrent"
    manifest = _manifest(out)
    assert before < manifest["entries"]["ledger"] <= before + len(files)
    assert manifest["snapshots"] == [snapshot_id]

    # What the backup holds is exactly a beginning of what the source holds once it has settled.
    with tarfile.open(out, "r:gz") as tar:
        for name, log in (("ledger", src.ledger), ("reviews", src.reviews), ("grants", src.grants), ("audit", src.audit_log)):
            held = tar.extractfile(log.relative_to(src.home).as_posix()).read()
            assert log.read_bytes().startswith(held), f"the backup's {name} log is not a prefix of the source's"

    assert (v := run_bilim("backup", "--verify", str(out))).returncode == 0, v.stderr

    # Restore onto a fresh home and build there.
    fresh = Layout(tmp_path / "fresh")
    env = {"BILIM_HOME": str(fresh.home)}
    assert (r := run_bilim("restore", str(out), env=env)).returncode == 0, r.stderr
    assert (r := run_bilim("build", env=env)).returncode == 0, r.stderr
    assert (fresh.auth_config.stat().st_mode & 0o777) == 0o600
    assert audit.read(fresh).entries and any(e["action"] == "restore" for e in audit.read(fresh).entries)

    # The source settled to the backup's state: its own files, the logs cut at the backup's heads, built afresh.
    ref = Layout(tmp_path / "reference")
    for folder in (src.archive, src.parsed_dir, src.snapshots, src.access_dir):
        shutil.copytree(folder, ref.home / folder.relative_to(src.home), ignore=shutil.ignore_patterns("*.lock"))
    for name, log in (("ledger", src.ledger), ("reviews", src.reviews), ("grants", src.grants)):
        (ref.home / log.relative_to(src.home)).write_bytes(_truncated_to(log, manifest["heads"][name]))
    assert (r := run_bilim("build", env={"BILIM_HOME": str(ref.home)})).returncode == 0, r.stderr

    restored, reference = _published(fresh), _published(ref)
    assert list(restored) == list(reference)
    for name in reference:
        assert restored[name].equals(reference[name]), f"published table {name} differs after the restore"
    assert restored["submissions"].height == manifest["entries"]["ledger"]

    # Snapshots: the same bytes, and they still recompute to them.
    for path in (src.snapshots / snapshot_id).rglob("*"):
        if path.is_file():
            restored = fresh.snapshots / snapshot_id / path.relative_to(src.snapshots / snapshot_id)
            assert restored.read_bytes() == path.read_bytes()
    check = run_bilim("snapshot", "--verify", snapshot_id, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "recomputes to the same bytes" in check.stdout
