"""`parley migrate [--dry-run]`: reports the database's schema version and the binary's, applies
the missing migrations (or, with --dry-run, only says which), refuses a database newer than the
binary, and leaves a server able to start on the result. Runs on SQLite and, through
run_on_postgres.sh, on PostgreSQL (the flags come from PARLEY_EXTRA_FLAGS there)."""

import re
import sqlite3
import subprocess

from parley_client import ParleyServer, extra_flags


def run(parley_bin, data_dir, *args):
    cmd = [str(parley_bin), "migrate", *args, "--data-dir", str(data_dir), *extra_flags(data_dir)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def versions(output):
    m = re.search(r"schema version: (\d+) \(this binary: (\d+)\)", output)
    assert m, output
    return int(m.group(1)), int(m.group(2))


def test_dry_run_changes_nothing_then_migrate_applies_everything(parley_bin, tmp_path):
    data = tmp_path / "data"
    dry = run(parley_bin, data, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    current, binary = versions(dry.stdout)
    assert current == 0 and binary > 0
    assert f"would apply migrations 1 to {binary}" in dry.stdout
    again = run(parley_bin, data, "--dry-run")
    assert versions(again.stdout) == (0, binary), "a dry run changed the schema"

    applied = run(parley_bin, data)
    assert applied.returncode == 0, applied.stderr
    assert f"applying migrations 1 to {binary}" in applied.stdout
    report = run(parley_bin, data, "--dry-run")
    assert versions(report.stdout) == (binary, binary)
    assert "up to date" in report.stdout

    # A server starts on the migrated database and serves.
    srv = ParleyServer(tmp_path / "srv", [], data_dir=data).start()
    try:
        assert srv.api.get("/readyz").status_code == 200
        srv.api.register()
    finally:
        srv.stop()


def test_a_database_newer_than_the_binary_is_refused(parley_bin, tmp_path):
    data = tmp_path / "data"
    assert run(parley_bin, data).returncode == 0
    flags = extra_flags(data)
    if any(f.startswith("postgres") for f in flags):
        db_url = next(f for f in flags if f.startswith("postgres"))
        psql_db = db_url.rsplit("/", 1)[1]
        subprocess.run(["psql", "-q", "-d", psql_db, "-c",
                        "INSERT INTO schema_version (version) VALUES (999)"], check=True,
                       capture_output=True, timeout=30)
    else:
        with sqlite3.connect(data / "parley.db") as db:
            db.execute("PRAGMA user_version = 999")
    r = run(parley_bin, data)
    assert r.returncode == 1
    assert "newer than this binary" in r.stderr
    assert versions(r.stdout)[0] == 999


def test_dry_run_is_only_for_migrate(parley_bin, tmp_path):
    r = subprocess.run([str(parley_bin), "--dry-run", "--data-dir", str(tmp_path / "d")],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode != 0
    assert "--dry-run" in r.stderr + r.stdout


def test_unreachable_database_is_a_clear_error(parley_bin, tmp_path):
    r = subprocess.run([str(parley_bin), "migrate", "--database",
                        "postgres://nobody@127.0.0.1:1/none"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert "parley migrate:" in r.stderr
