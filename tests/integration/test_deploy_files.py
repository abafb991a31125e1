"""The deployment's configuration files work with the real binary: every environment file
(deploy/environments/*.conf) starts a server, and deploy/.env.example names every setting."""

import re
import subprocess

import pytest

from parley_client import REPO_ROOT

ENVIRONMENTS = sorted((REPO_ROOT / "deploy" / "environments").glob("*.conf"))


def settings(path) -> dict:
    out = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out


def test_the_three_environments_exist():
    assert [p.stem for p in ENVIRONMENTS] == ["development", "production", "staging"]


@pytest.mark.parametrize("path", ENVIRONMENTS, ids=lambda p: p.stem)
def test_each_environment_file_starts_the_server(server_factory, path, tmp_path):
    # What names this machine's hosts is overridden by flags (flag > file); the rest is the file's.
    # No --log-level flag: the file's level is used.
    srv = server_factory(["--config", str(path), "--redis", "", "--web-root", ""],
                         data_dir=tmp_path / "data", log_level=None)
    assert srv.api.get("/readyz").status_code == 200
    level = settings(path)["log-level"]
    has_request_lines = '"msg":"request"' in srv.log_text()
    assert has_request_lines == (level in ("debug", "info")), level


def test_staging_and_production_differ_only_in_hosts():
    staging = settings(REPO_ROOT / "deploy" / "environments" / "staging.conf")
    production = settings(REPO_ROOT / "deploy" / "environments" / "production.conf")
    assert staging.keys() == production.keys()
    differ = {k for k in staging if staging[k] != production[k]}
    assert differ <= {"redis", "allowed-origin"}, differ


def test_env_example_names_every_setting(parley_bin):
    help_text = subprocess.run([str(parley_bin), "--help"], capture_output=True, text=True,
                               timeout=10).stdout
    variables = set(re.findall(r"\(env (PARLEY_[A-Z0-9_]+)\)", help_text))
    assert len(variables) > 30
    example = (REPO_ROOT / "deploy" / ".env.example").read_text()
    missing = sorted(v for v in variables if not re.search(rf"^#? ?{v}=", example, re.M))
    assert not missing, f"deploy/.env.example does not mention: {missing}"
