"""The sign-in settings of an installation, and the local demo identity provider.

``$BILIM_HOME/access/auth.toml`` holds Streamlit's ``[auth]`` section (``redirect_uri``, ``client_id``,
``client_secret``, ``server_metadata_url`` of the identity provider, and the ``cookie_secret`` that signs the
session cookie) and ours, ``[bilim]`` (which claim carries the stable user id, an optional groups claim mapped onto
grants, whether this is the demo's provider). ``bilim auth init`` writes it for the ministry's provider; ``bilim
demo`` writes it for the local demo provider when there is none. The cookie secret is generated once per
installation, kept across rewrites, never printed; the file is mode 0600 in a 0700 folder and is not in git.

The demo provider is ``oidc-provider-mock`` on 127.0.0.1 with one account per role and one officer per region,
its pages restyled without any CDN and labelled as a demo sign-in. It is started by ``bilim demo`` (and by ``bilim
serve --demo-idp``), never otherwise.
"""

from __future__ import annotations

import json
import os
import secrets
import tomllib
from pathlib import Path

from contracts import access
from contracts.home import Layout, repo_raw

DEMO_IDP_HOST, DEMO_IDP_PORT = "127.0.0.1", 9400
DEMO_CLIENT_ID = "bilim-monitor-demo"
TEMPLATES = Path(__file__).with_name("demo_idp_templates")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def read_config(layout: Layout) -> dict:
    path = layout.auth_config
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_config(layout: Layout, *, server_metadata_url: str, client_id: str, client_secret: str, redirect_uri: str,
                 user_id_claim: str = "sub", groups_claim: str | None = None, group_grants: dict | None = None,
                 demo: bool = False) -> Path:
    """Write ``auth.toml`` (0600), keeping the installation's cookie secret if it has one."""
    old = read_config(layout)
    cookie_secret = old.get("auth", {}).get("cookie_secret") or secrets.token_urlsafe(48)
    lines = ["# bilim-monitor sign-in settings: written by `bilim auth init` / `bilim demo`. Never commit this file.",
             "[auth]"]
    for key, value in (("redirect_uri", redirect_uri), ("cookie_secret", cookie_secret), ("client_id", client_id),
                       ("client_secret", client_secret), ("server_metadata_url", server_metadata_url)):
        lines.append(f"{key} = {_toml_value(value)}")
    lines += ["", "[bilim]", f"user_id_claim = {_toml_value(user_id_claim)}", f"demo = {_toml_value(demo)}"]
    if groups_claim:
        lines.append(f"groups_claim = {_toml_value(groups_claim)}")
    if group_grants:
        lines += ["", "[bilim.group_grants]"] + [f"{_toml_value(g)} = {_toml_value(list(v))}" for g, v in group_grants.items()]
    layout.access_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(layout.access_dir, 0o700)
    tmp = layout.auth_config.with_name(".auth.toml.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, layout.auth_config)
    return layout.auth_config


def config_problem(layout: Layout) -> str | None:
    """Why the dashboard could not sign anyone in with this configuration, or ``None``."""
    if not layout.auth_config.exists():
        return f"no sign-in configuration at {layout.auth_config}"
    try:
        auth = read_config(layout).get("auth", {})
    except tomllib.TOMLDecodeError as exc:
        return f"{layout.auth_config} is not valid TOML: {exc}"
    missing = [
        k
        for k in ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
        if not str(auth.get(k, "")).strip()
    ]
    if missing:
        return f"{layout.auth_config} lacks {', '.join(missing)} in [auth]"
    if not str(auth["redirect_uri"]).endswith("/oauth2callback"):
        return "redirect_uri must end with /oauth2callback"
    return None


# --- the demo provider ---------------------------------------------------------------------------------------------


def demo_accounts() -> list[dict]:
    """One account per role and one officer per current region: user id (``sub``), display name, grant."""
    import polars as pl

    regions = pl.read_csv(repo_raw() / "regions" / "regions.csv", infer_schema=False).filter(pl.col("valid_to").is_null())
    out = [
        {"sub": "demo-planner", "name": "Demo planner (ministry)", "grant": (access.PLANNER, None)},
        {"sub": "demo-reviewer", "name": "Demo reviewer (ministry)", "grant": (access.REVIEWER, None)},
        {"sub": "demo-admin", "name": "Demo administrator", "grant": (access.ADMIN, None)},
    ]
    for r in regions.sort("region_code").iter_rows(named=True):
        code = r["region_code"]
        out.append(
            {"sub": f"officer-{code.lower()}", "name": f"Demo officer · {r['name_en']} ({code})", "grant": (access.OFFICER, code)}
        )
    return out


def ensure_demo(layout: Layout, dashboard_port: int, idp_port: int = DEMO_IDP_PORT) -> list[dict]:
    """Point sign-in at the local demo provider (unless a real provider is configured) and grant the demo
    accounts (once). Returns the accounts."""
    current = read_config(layout)
    if not current or current.get("bilim", {}).get("demo", False):
        write_config(
            layout,
            server_metadata_url=f"http://{DEMO_IDP_HOST}:{idp_port}/.well-known/openid-configuration",
            client_id=DEMO_CLIENT_ID,
            client_secret="demo-secret-not-for-production",
            redirect_uri=f"http://127.0.0.1:{dashboard_port}/oauth2callback",
            demo=True,
        )
    accounts = demo_accounts()
    granted = access.current_grants(layout)
    events = []
    for a in accounts:
        role, region = a["grant"]
        if access.Grant(role, region) not in granted.get(a["sub"], {}).get("grants", set()):
            events.append(
                {"event": "grant", "user": a["sub"], "name": a["name"], "role": role, "region": region, "by": "demo-setup"}
            )
    if events:
        from contracts import audit

        access.append_grant_events(layout, events)
        for e in events:
            audit.record(
                layout,
                audit.Actor("demo-setup", "bilim demo"),
                "grant",
                {"region_code": e["region"]},
                user=e["user"],
                role=e["role"],
            )
    return accounts


def demo_idp_command(port: int = DEMO_IDP_PORT) -> list[str]:
    import sys

    return [sys.executable, "-m", "pipelines.signin", "--port", str(port)]


def make_demo_idp_app():
    """The demo provider's WSGI app: ``oidc-provider-mock`` with the demo accounts and our own CDN-free pages."""
    import jinja2
    import oidc_provider_mock
    from oidc_provider_mock._storage import User

    accounts = demo_accounts()
    users = [
        User(sub=a["sub"], claims={"name": a["name"], "preferred_username": a["sub"], "email": f"{a['sub']}@demo.invalid"})
        for a in accounts
    ]
    app = oidc_provider_mock.app(user_claims=users, require_nonce=False)
    app.jinja_loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATES)), app.jinja_loader])
    app.jinja_env.globals["account_names"] = {a["sub"]: a["name"] for a in accounts}
    return app


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="bilim-demo-idp", description="the local demo identity provider (never for production)")
    parser.add_argument("--port", type=int, default=DEMO_IDP_PORT)
    args = parser.parse_args(argv)
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on 127.0.0.1 only
    import logging
    import warnings

    warnings.filterwarnings("ignore")  # the mock's own deprecation chatter is not the operator's business
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from werkzeug.serving import run_simple

    run_simple(DEMO_IDP_HOST, args.port, make_demo_idp_app(), threaded=True, use_reloader=False, use_debugger=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
