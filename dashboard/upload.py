"""The upload path, seen from the dashboard: the file is checked read-only by ``bilim validate`` in its own
process, then handed to the single writer, a ``bilim ingest`` process that archives, rebuilds and publishes.
The dashboard never writes the warehouse and never imports pipeline code. Uploaded bytes live only in a temporary
folder that is removed when the call returns, so a file with personal data is kept nowhere."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from contracts.home import REPO_ROOT

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the app's own limit fires before Streamlit's (set higher in `bilim serve`)


@dataclass
class CliResult:
    code: int
    report: list[dict]
    stderr: str
    annotated: bytes | None = None


def _bilim(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, cwd=REPO_ROOT, timeout=timeout
    )


def _report(proc: subprocess.CompletedProcess) -> list[dict]:
    try:
        return json.loads(proc.stdout) if proc.stdout.strip().startswith("[") else []
    except json.JSONDecodeError:
        return []


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def template_bytes(region: str, year: int) -> bytes:
    with tempfile.TemporaryDirectory(prefix="bilim-template-") as tmp:
        out = Path(tmp) / f"return_{region}_{year}.xlsx"
        proc = _bilim("template", "--region", region, "--year", str(year), "--out", str(out))
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip())
        return out.read_bytes()


def _with_file(data: bytes, name: str, action) -> CliResult:
    suffix = ".csv" if name.lower().endswith(".csv") else ".xlsx"
    with tempfile.TemporaryDirectory(prefix="bilim-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        return action(path, Path(tmp))


def validate(data: bytes, name: str, region: str, year: int, lang: str) -> CliResult:
    """Dry run, read-only, in its own process; a rejected workbook comes back with its annotated copy."""

    def run(path: Path, tmp: Path) -> CliResult:
        proc = _bilim(
            "validate",
            str(path),
            "--json",
            "--lang",
            lang,
            "--region",
            region,
            "--year",
            str(year),
            "--name",
            name,
            "--annotate",
            str(tmp),
        )
        report = _report(proc)
        annotated = None
        if report and report[0].get("annotated_copy"):
            annotated = Path(report[0]["annotated_copy"]).read_bytes()
        return CliResult(proc.returncode, report, proc.stderr, annotated)

    return _with_file(data, name, run)


def ingest(data: bytes, name: str, region: str, year: int, who: str, who_name: str) -> CliResult:
    """Hand the file to the single writer as an officer's upload (the deadline applies; the return is then
    submitted for review); returns when the new build is published. ``region`` comes from the officer's grant."""

    def run(path: Path, tmp: Path) -> CliResult:
        proc = _bilim(
            "ingest",
            str(path),
            "--json",
            "--region",
            region,
            "--year",
            str(year),
            "--name",
            name,
            "--who",
            who,
            "--who-name",
            who_name,
            "--officer",
        )
        return CliResult(proc.returncode, _report(proc), proc.stderr)

    return _with_file(data, name, run)


def review(action: str, region: str, year: int, reason: str | None, user_id: str, user_name: str) -> CliResult:
    """A reviewer's decision, taken by the single writer (``bilim review``), which checks the grant again,
    records it in the audit log and publishes; returns when the new build is published."""
    args = ["review", action, "--region", region, "--year", str(year), "--as", user_id, "--as-name", user_name]
    if reason:
        args += ["--reason", reason]
    proc = _bilim(*args)
    return CliResult(proc.returncode, [], proc.stderr.strip())


def take_snapshot(user_id: str) -> CliResult:
    """An administrator takes a KPI snapshot now: ``bilim snapshot --as USER`` runs the snapshot job (the grant is
    checked again there; the asset records it in the audit log under this user and makes the briefing packs)."""
    proc = _bilim("snapshot", "--as", user_id)
    return CliResult(proc.returncode, [], (proc.stderr or proc.stdout).strip())


def make_brief(snapshot_id: str, lang: str) -> CliResult:
    """The briefing pack of an older snapshot (taken before packs existed), made by ``bilim snapshot --brief``."""
    proc = _bilim("snapshot", "--brief", snapshot_id, "--lang", lang)
    return CliResult(proc.returncode, [], proc.stderr.strip())
