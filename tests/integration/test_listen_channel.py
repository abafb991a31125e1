"""--listen-channel NAME: a PostgreSQL NOTIFY on NAME becomes a notification, validated like
POST /api/publish; an invalid payload is counted and logged, never fatal; /readyz waits for the
LISTEN. On SQLite the flag is refused at startup. The NOTIFY tests run under run_on_postgres.sh."""

import os
import re
import subprocess

import pytest

from parley_client import arun, wait_for, ws_user

ON_POSTGRES = "postgres" in os.environ.get("PARLEY_EXTRA_FLAGS", "")
needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="NOTIFY needs PostgreSQL")
CHANNEL = "parley_events"


def database_name(srv):
    flag = next(f for f in srv.args if f.startswith("postgres"))
    return flag.rsplit("/", 1)[1]


def notify(srv, payload: str):
    # pg_notify() takes the payload as a value: no quoting of the test's JSON into SQL.
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", database_name(srv),
                    "-v", f"channel={CHANNEL}", "-v", f"payload={payload}"],
                   input="SELECT pg_notify(:'channel', :'payload');\n", text=True, check=True,
                   capture_output=True, timeout=30)


def counter(srv, name):
    m = re.search(rf"^{name} (\d+)$", srv.api.get("/metrics").text, re.M)
    return int(m.group(1)) if m else 0


@pytest.mark.skipif(ON_POSTGRES, reason="checks the SQLite refusal")
def test_listen_channel_needs_postgres(parley_bin, tmp_path):
    r = subprocess.run([str(parley_bin), "--listen-channel", CHANNEL, "--data-dir",
                        str(tmp_path / "d")], capture_output=True, text=True, timeout=10)
    assert r.returncode != 0
    assert "--listen-channel needs --database postgres" in r.stderr + r.stdout


def test_bad_channel_names_are_refused(parley_bin, tmp_path):
    for name in ["", "has space", "semi;colon", "x" * 64, 'quo"te']:
        r = subprocess.run([str(parley_bin), "--listen-channel", name, "--data-dir",
                            str(tmp_path / "d")], capture_output=True, text=True, timeout=10)
        assert r.returncode != 0, name
        assert "--listen-channel" in r.stderr + r.stdout


@needs_postgres
def test_notify_reaches_users_rooms_and_roles(server_factory):
    srv = server_factory(flags=["--listen-channel", CHANNEL])
    wait_for(lambda: srv.api.get("/readyz").status_code == 200, 10, "LISTEN ready")
    admin = srv.admin
    bob = srv.api.register()
    room = srv.api.create_room(admin)
    srv.api.join_room(bob, room["id"])

    async def scenario():
        a = await ws_user(srv, admin)
        b = await ws_user(srv, bob)
        await b.join(room["id"])
        notify(srv, '{"user": %d, "event": "task.updated", "data": {"id": 7}}' % bob.user["id"])
        got = await b.recv_until("notification")
        assert got["event"] == "task.updated" and got["data"] == {"id": 7}
        notify(srv, '{"room": %d, "event": "room.ping"}' % room["id"])
        got = await b.recv_until("notification")
        assert got["event"] == "room.ping" and got["data"] == {}
        notify(srv, '{"role": "admin", "event": "ops.alert", "data": {"level": "high"}}')
        got = await a.recv_until("notification")
        assert got["event"] == "ops.alert"
        # The users target, deduplicated: one frame each.
        notify(srv, '{"users": [%d, %d, %d], "event": "multi"}' % (
            bob.user["id"], admin.user["id"], bob.user["id"]))
        assert (await a.recv_until("notification"))["event"] == "multi"
        assert (await b.recv_until("notification"))["event"] == "multi"
        ping = await b.request({"type": "ping"})
        assert ping["type"] == "pong"
        assert not b.take("notification"), "a duplicate notification"
        await a.close()
        await b.close()

    arun(scenario())
    assert counter(srv, "parley_notify_events_total") == 4


@needs_postgres
def test_invalid_payloads_are_counted_and_never_fatal(server_factory):
    srv = server_factory(flags=["--listen-channel", CHANNEL])
    wait_for(lambda: srv.api.get("/readyz").status_code == 200, 10, "LISTEN ready")
    bob = srv.api.register()
    bad = ["not json", "[1,2]", '{"event": "x"}', '{"user": 1, "room": 2, "event": "x"}',
           '{"user": -1, "event": "x"}', '{"user": 1, "event": "bad name!"}',
           '{"user": 1, "event": "x", "data": [1]}', '{"role": "root", "event": "x"}',
           '{"users": [], "event": "x"}']
    for payload in bad:
        notify(srv, payload)
    wait_for(lambda: counter(srv, "parley_notify_invalid_total") == len(bad), 10,
             "every invalid payload counted")

    async def still_delivers():
        b = await ws_user(srv, bob)
        notify(srv, '{"user": %d, "event": "after.garbage"}' % bob.user["id"])
        assert (await b.recv_until("notification"))["event"] == "after.garbage"
        await b.close()

    arun(still_delivers())
    assert "invalid NOTIFY payload ignored" in srv.log_tail(200)
    assert srv.api.get("/healthz").status_code == 200
