"""Caps on open WebSocket connections (--max-connections, --max-connections-per-address,
--max-connections-per-user): refused before the upgrade with 503 or 429 and Retry-After, or, for a
user known only by its auth frame, closed 1013; a closed connection gives its place back; every
refusal is counted in /metrics."""

import json
import re

from parley_client import RawWs, raw_ws, wait_for


def upgrade(srv, token=None):
    c = RawWs(srv)
    path = "/ws" if token is None else f"/ws?token={token}"
    status = c.handshake(path)
    return c, status


def refused_count(srv, cap):
    text = srv.api.get("/metrics").text
    m = re.search(r'^parley_ws_connections_refused_total\{cap="%s"\} (\d+)$' % cap, text, re.M)
    assert m, "no refusal counter for " + cap
    return int(m.group(1))


def error_of(c):
    return json.loads(c.body)["error"]["code"]


def test_per_user_cap_refuses_the_upgrade_and_frees_on_close(server_factory):
    srv = server_factory(flags=["--max-connections-per-user", "2"])
    user = srv.api.register()
    first = raw_ws(srv, user.access)
    second = raw_ws(srv, user.access)
    third, status = upgrade(srv, user.access)
    assert status == 429
    assert error_of(third) == "rate_limited"
    assert int(third.headers["retry-after"]) > 0
    assert refused_count(srv, "user") == 1
    # Another user is not affected.
    other = raw_ws(srv, srv.api.register().access)
    # A closed connection gives its place back (once the server has seen the close).
    first.close()

    def reconnects():
        c, st = upgrade(srv, user.access)
        c.close()
        return st == 101

    wait_for(reconnects, 10, "a place freed by a closed connection")
    for c in (second, third, other):
        c.close()


def test_per_user_cap_closes_1013_when_the_user_comes_by_auth_frame(server_factory):
    srv = server_factory(flags=["--max-connections-per-user", "1"])
    user = srv.api.register()
    holder = raw_ws(srv, user.access)
    late = raw_ws(srv)  # no token yet: the upgrade cannot know the user
    late.send_text({"type": "auth", "token": user.access, "ref": "a"})
    code, seen = late.read_close()
    assert code == 1013
    errors = [json.loads(p) for op, p in seen if op == 1]
    assert any(f.get("type") == "error" and f.get("code") == "rate_limited" for f in errors), errors
    assert refused_count(srv, "user") == 1
    # The holder still works.
    holder.send_text({"type": "ping", "ref": "p"})
    assert holder.read_until_type("pong")["ref"] == "p"
    holder.close()
    late.close()


def test_per_address_cap(server_factory):
    srv = server_factory(flags=["--max-connections-per-address", "3"])
    open_ = [raw_ws(srv) for _ in range(3)]
    fourth, status = upgrade(srv)
    assert status == 429
    assert error_of(fourth) == "rate_limited"
    assert refused_count(srv, "address") == 1
    # Plain HTTP from the same address is not capped.
    assert srv.api.get("/healthz").status_code == 200
    for c in open_ + [fourth]:
        c.close()


def test_total_cap_is_503(server_factory):
    srv = server_factory(flags=["--max-connections", "2"])
    token = srv.admin.access
    a, b = raw_ws(srv, token), raw_ws(srv)
    c, status = upgrade(srv)
    assert status == 503
    assert error_of(c) == "unavailable"
    assert "retry-after" in c.headers
    assert refused_count(srv, "total") == 1
    for x in (a, b, c):
        x.close()


def test_bad_values_are_refused_at_startup(parley_bin, tmp_path):
    import subprocess
    for flag, value in [("--max-connections-per-user", "-1"), ("--max-connections", "many"),
                        ("--max-connections-per-address", "")]:
        r = subprocess.run([str(parley_bin), flag, value, "--data-dir", str(tmp_path / "d")],
                           capture_output=True, text=True, timeout=10)
        assert r.returncode != 0, f"{flag} {value!r} accepted"
        assert flag in r.stderr + r.stdout
