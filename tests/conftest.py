"""Every test gets its own BILIM_HOME and DAGSTER_HOME, and no test may change the repository's files."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from contracts.home import REPO_ROOT, shared_dir


def _git_status() -> str:
    try:
        return subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


@pytest.fixture(scope="session", autouse=True)
def _repository_untouched():
    before = _git_status()
    yield
    after = _git_status()
    assert after == before, f"the test run changed the repository:\n{after}"


@pytest.fixture(autouse=True)
def bilim_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "bilim_home"
    home.mkdir()
    monkeypatch.setenv("BILIM_HOME", str(home))
    # Set (not deleted) so that teardown removes whatever prepare_dagster_home wrote into os.environ.
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    monkeypatch.delenv("BILIM_RAW", raising=False)
    return home


@contextmanager
def home_at(home: Path) -> Iterator[Path]:
    """BILIM_HOME at ``home`` and no DAGSTER_HOME (prepare_dagster_home sets its own) while a module-scoped fixture
    builds its home once; both are restored after, whatever the fixture wrote into os.environ."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BILIM_HOME", str(home))
        mp.delenv("DAGSTER_HOME", raising=False)
        yield home


@pytest.fixture(scope="session")
def seed_path() -> Path:
    seeds = shared_dir() / "seeds"
    matches = sorted(seeds.glob("001_*.txt"))
    if not matches:
        pytest.fail(f"the programme seed is missing from {seeds}: ../shared must sit beside the repository")
    return matches[0]


def run_bilim(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the real ``bilim`` command in a subprocess with this test's environment."""
    # DAGSTER_HOME follows the BILIM_HOME given, never one left in os.environ by an earlier in-process run.
    full_env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | (env or {})
    return subprocess.run(
        [str(Path(os.sys.executable).parent / "bilim"), *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=REPO_ROOT,
    )


REVIEWER_FOR_TESTS = "test-reviewer"


def accept_pending(layout, region: str, year: int, set_id: str = "programme") -> None:
    """A reviewer accepts the return awaiting review (a submission counts only once accepted)."""
    from contracts.audit import Actor
    from pipelines.review import decide

    decide(layout, "accept", region, year, Actor(REVIEWER_FOR_TESTS, "Test reviewer"), set_id=set_id)


def submit_and_accept(path, ctx, layout, who: str = "officer", reopen: tuple[str, int] | None = None):
    """Ingest a return (it is then submitted, awaiting review) and accept every return it holds, as a reviewer
    would: for the tests whose subject is what happens after acceptance (marts, dashboard, snapshots). A revision
    of an accepted (locked) return names it in ``reopen``: a reviewer reopens it first, with a reason."""
    from contracts.audit import Actor
    from pipelines.returns.ingest import accept_file
    from pipelines.review import decide

    if reopen is not None:
        decide(
            layout, "reopen", reopen[0], reopen[1], Actor(REVIEWER_FOR_TESTS, "Test reviewer"), "test: a corrected return follows"
        )
    result = accept_file(path, ctx, layout, who=who)
    for e in result.entries:
        accept_pending(layout, e.region_code, e.year)
    return result


# Streamlit's [auth] section as the dashboard needs it (AppTest never contacts the provider).
AUTH_SECRETS = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-0123456789abcdef",
    "client_id": "bilim-test",
    "client_secret": "test-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def grant(layout, user: str, role: str, region: str | None = None, name: str = "") -> None:
    """Give ``user`` a grant, as ``bilim access grant`` does."""
    from contracts import access

    g = access.check_grant(role, region, {region} if region else set())
    access.append_grant_events(
        layout, [{"event": "grant", "user": user, "name": name or user, "role": g.role, "region": g.region, "by": "test"}]
    )


def sign_in(at, user: str | None, name: str = "") -> None:
    """Configure sign-in on an AppTest and make ``user`` the signed-in person (``None``: nobody signed in)."""
    at.secrets["auth"] = dict(AUTH_SECRETS)
    at.user = {"is_logged_in": True, "sub": user, "name": name or user} if user else {"is_logged_in": False}


class OutsideRequests(list):
    """The requests a browser page made to anywhere but this machine (``page.on("request", watcher)``): the
    dashboard works offline, so a browser test ends with ``assert outside_requests == []``."""

    def __call__(self, request) -> None:
        from urllib.parse import urlparse

        host = urlparse(request.url).hostname
        if host not in ("127.0.0.1", "localhost", None) and not request.url.startswith(("data:", "blob:")):
            self.append(request.url)


@pytest.fixture
def outside_requests() -> OutsideRequests:
    """A fresh watcher of requests that leave the machine, shared by the browser tests."""
    return OutsideRequests()
