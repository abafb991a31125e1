"""parley backup / restore (SQLite) and rollback: a backup taken while messages are being sent
restores every message acknowledged before it began; restore refuses a running server and a
schema this binary does not know; an older binary refuses a newer schema and leaves it as it is."""

import os
from contextlib import closing
import sqlite3
import subprocess
import threading
import time

import pytest
import requests

from parley_client import unique

pytestmark = pytest.mark.skipif(
    "postgres" in os.environ.get("PARLEY_EXTRA_FLAGS", ""),
    reason="SQLite's backup; PostgreSQL is backed up with pg_dump (docs/operations.md)")


def run(parley_bin, *args, timeout=60):
    return subprocess.run([str(parley_bin), *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.timeout_s(120)
def test_backup_under_load_restores_every_message_acked_before_it_began(
        server_factory, parley_bin, tmp_path):
    data = tmp_path / "live"
    # One JWT secret for both servers (a generated one stays in the live data directory), so that
    # the senders' tokens are good on the restored server.
    secret = ["--jwt-secret", "backup-test-secret-" + "0" * 32]
    srv = server_factory(secret, data_dir=data)
    api = srv.api
    senders = [api.register() for _ in range(4)]
    room = api.create_room(senders[0])
    for u in senders[1:]:
        api.join_room(u, room["id"])
    acked = []  # (time the ack arrived, id, client_id)
    lock = threading.Lock()
    stop = threading.Event()
    errors = []

    def send_loop(user):
        with requests.Session() as s:
            s.headers["Authorization"] = f"Bearer {user.access}"
            i = 0
            while not stop.is_set() and i < 5000:
                cid = f"{user.username}-{i}"
                r = s.post(srv.url(f"/api/rooms/{room['id']}/messages"),
                           json={"body": f"load {i}", "client_id": cid}, timeout=10)
                if r.status_code != 201:
                    errors.append(r.text)
                    return
                with lock:
                    acked.append((time.monotonic(), r.json()["id"], cid))
                i += 1

    threads = [threading.Thread(target=send_loop, args=(u,)) for u in senders]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 20
        while len(acked) < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        began = time.monotonic()
        with lock:
            acked_before = {cid: mid for (_, mid, cid) in acked}
        backup = tmp_path / "parley-backup.db"
        r = run(parley_bin, "backup", "--to", str(backup), "--data-dir", str(data))
        assert r.returncode == 0, r.stderr
        assert "backup written to" in r.stdout, r.stdout
        with lock:
            during = len(acked) - len(acked_before)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert not errors, errors[:3]
    assert len(acked_before) >= 200
    assert during > 0, "nothing was sent while the backup ran: not a backup under load"

    restored_dir = tmp_path / "restored"
    r = run(parley_bin, "restore", "--from", str(backup), "--data-dir", str(restored_dir))
    assert r.returncode == 0, r.stderr
    restored = server_factory(secret, data_dir=restored_dir, register_admin=False)
    ids, after = {}, 0
    while True:
        page = restored.api.page(senders[0], room["id"], after=after, limit=100)
        assert page.status_code == 200, page.text
        msgs = page.json()["messages"]
        if not msgs:
            break
        for m in msgs:
            ids[m["client_id"]] = m["id"]
        after = msgs[-1]["id"]
    missing = [cid for cid, mid in acked_before.items() if ids.get(cid) != mid]
    assert not missing, f"{len(missing)} messages acked before the backup are not in it"
    # A consistent snapshot: the restored ids are exactly the first N of the room, without holes.
    stored = sorted(ids.values())
    assert stored == list(range(stored[0], stored[0] + len(stored)))
    assert began  # (the backup began after acked_before was taken)


def test_restore_refuses_while_a_server_runs_and_refuses_unknown_files(
        server_factory, parley_bin, tmp_path):
    data = tmp_path / "d"
    # One JWT secret for both servers (a generated one stays in the live data directory), so that
    # the senders' tokens are good on the restored server.
    secret = ["--jwt-secret", "backup-test-secret-" + "0" * 32]
    srv = server_factory(secret, data_dir=data)
    backup = tmp_path / "b.db"
    assert run(parley_bin, "backup", "--to", str(backup), "--data-dir", str(data)).returncode == 0
    r = run(parley_bin, "restore", "--from", str(backup), "--data-dir", str(data), timeout=30)
    assert r.returncode != 0 and "stop the server before restoring" in r.stderr, r.stderr
    srv.stop()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\0" + b"\0" * 4000)
    r = run(parley_bin, "restore", "--from", str(junk), "--data-dir", str(data))
    assert r.returncode != 0 and r.stderr.strip(), r.stderr
    newer = tmp_path / "newer.db"
    newer.write_bytes(backup.read_bytes())
    with closing(sqlite3.connect(newer)) as db:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute(f"PRAGMA user_version = {version + 1}")
    r = run(parley_bin, "restore", "--from", str(newer), "--data-dir", str(data))
    assert r.returncode != 0 and "newer than this binary" in r.stderr, r.stderr
    r = run(parley_bin, "backup", "--data-dir", str(data))
    assert r.returncode == 2 and "--to FILE is required" in r.stderr


def test_an_older_binary_refuses_a_newer_schema_and_leaves_it_untouched(
        server_factory, parley_bin, tmp_path):
    """Rollback after a migration: the previous release's binary is simulated by raising the
    database's schema version past what this binary knows (docs/operations.md, Rollback)."""
    data = tmp_path / "d"
    # One JWT secret for both servers (a generated one stays in the live data directory), so that
    # the senders' tokens are good on the restored server.
    secret = ["--jwt-secret", "backup-test-secret-" + "0" * 32]
    srv = server_factory(secret, data_dir=data)
    u = srv.api.register()
    room = srv.api.create_room(u)
    srv.api.send_ok(u, room["id"], "kept")
    srv.stop()
    db_path = data / "parley.db"
    with closing(sqlite3.connect(db_path)) as db:
        known = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute(f"PRAGMA user_version = {known + 1}")
    before = db_path.read_bytes()
    r = run(parley_bin, "--listen", "127.0.0.1:0", "--data-dir", str(data), timeout=30)
    assert r.returncode == 1
    message = r.stderr
    assert f"database schema version {known + 1} is newer than this binary ({known})" in message
    assert "Rollback" in message and "was not changed" in message
    assert db_path.read_bytes() == before
    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == known + 1
        assert db.execute("SELECT body FROM messages").fetchall() == [("kept",)]
