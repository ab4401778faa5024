"""Fail when an installed core package differs from the lock file (DESIGN §8: pip silently holds versions back)."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

CORE = [
    "duckdb",
    "dagster",
    "dagster-webserver",
    "polars",
    "pandera",
    "streamlit",
    "plotly",
    "openpyxl",
    "fastexcel",
    "pandas",
    "protobuf",
]


def locked_versions(lock: Path) -> dict[str, str]:
    out = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, _, ver = line.partition("==")
            out[name.strip().lower().replace("_", "-")] = ver.strip().split(";")[0].strip()
    return out


def main(lock_path: str) -> int:
    locked = locked_versions(Path(lock_path))
    bad = []
    for name in CORE:
        want = locked.get(name)
        if want is None:
            bad.append(f"{name}: not in {lock_path}")
            continue
        try:
            have = version(name)
        except PackageNotFoundError:
            have = "not installed"
        if have != want:
            bad.append(f"{name}: installed {have}, locked {want}")
    for line in bad:
        print(f"lock mismatch: {line}", file=sys.stderr)
    if not bad:
        print(f"lock ok: {len(CORE)} core packages match {lock_path}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock"))
