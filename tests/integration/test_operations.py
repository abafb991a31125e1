"""Operations endpoints and general HTTP behaviour: health, readiness, metrics, admin stats,
X-Request-Id, JSON content type, error shape."""

import re

import pytest

from parley_client import assert_error, assert_json

REQ_ID_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def test_healthz(api):
    r = api.get("/healthz")
    assert r.status_code == 200
    assert assert_json(r) == {"status": "ok"}


def test_readyz(api):
    r = api.get("/readyz")
    assert r.status_code == 200
    assert assert_json(r)["status"] == "ready"


def test_metrics_prometheus_text(api, alice):
    # Some traffic first so that counters exist.
    room = api.create_room(alice)
    api.send_ok(alice, room["id"], "count me")
    r = api.get("/metrics")
    assert r.status_code == 200
    assert r.headers.get("Content-Type", "").startswith("text/plain")
    lines = [l for l in r.text.splitlines() if l and not l.startswith("#")]
    assert lines, "no samples"
    # Label values are quoted and may hold braces (route="/api/rooms/{id}").
    sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*'
                        r'(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})?'
                        r' [-+0-9.eEInfaN]+( \d+)?$')
    bad = [l for l in lines if not sample.match(l)]
    assert not bad, f"malformed exposition lines: {bad[:5]}"
    assert any(l.startswith("# TYPE ") for l in r.text.splitlines())
    assert any(l.startswith("# TYPE ") and l.endswith(" histogram") for l in r.text.splitlines()), \
        "the contract asks for latency histograms"


def test_metrics_counters_move(api, alice):
    def samples():
        out = {}
        for line in api.get("/metrics").text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                try:
                    out[name] = float(value)
                except ValueError:
                    pass
        return out

    room = api.create_room(alice)
    before = samples()
    for i in range(3):
        api.send_ok(alice, room["id"], f"m{i}")
    after = samples()
    grown = [k for k in after if "message" in k and after[k] >= before.get(k, 0) + 3]
    assert grown, "no message counter grew by the 3 messages sent"


def test_admin_stats(api, admin, alice):
    r = api.get("/api/admin/stats", admin.access)
    assert r.status_code == 200, r.text
    assert isinstance(assert_json(r), dict)
    assert_error(api.get("/api/admin/stats", alice.access), 403, "forbidden")
    assert_error(api.get("/api/admin/stats"), 401, "unauthorized")
    assert_error(api.get("/api/admin/stats", "garbage"), 401, "unauthorized")


@pytest.mark.parametrize("path", ["/healthz", "/api/me", "/api/rooms", "/api/nope", "/readyz"])
def test_request_id_echoed_when_valid(api, alice, path):
    for rid in ("abc-123_X.y", "A" * 64, "0"):
        r = api.get(path, alice.access, headers={"X-Request-Id": rid})
        assert r.headers.get("X-Request-Id") == rid, (path, rid, r.headers.get("X-Request-Id"))


@pytest.mark.parametrize("rid", ["A" * 65, "has space", "semi;colon", "ünïcode", "a/b", ""])
def test_request_id_generated_when_invalid(api, rid):
    r = api.get("/healthz", headers={"X-Request-Id": rid.encode("utf-8")})
    got = r.headers.get("X-Request-Id")
    assert got and got != rid and REQ_ID_RE.match(got), got


def test_request_id_generated_when_absent_and_unique(api, alice):
    ids = set()
    for path in ("/healthz", "/api/me", "/api/rooms/0"):
        r = api.get(path, alice.access)
        got = r.headers.get("X-Request-Id")
        assert got and REQ_ID_RE.match(got), (path, got)
        ids.add(got)
    r = api.post("/api/auth/login", {"username": "x"})
    ids.add(r.headers.get("X-Request-Id"))
    assert len(ids) == 4, ids


def test_request_id_on_websocket_refusal(server):
    r = server.api.get("/ws?token=not-a-token", headers={"Connection": "Upgrade", "Upgrade": "websocket",
                                         "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                                         "X-Request-Id": "ws-refusal-1"})
    assert r.status_code == 401
    assert r.headers.get("X-Request-Id") == "ws-refusal-1"


def test_json_content_type_on_success(api, alice):
    for r in (api.get("/api/me", alice.access), api.get("/api/rooms", alice.access),
              api.post("/api/rooms", {"name": "ct-" + alice.username, "private": False}, token=alice.access)):
        assert r.status_code in (200, 201), r.text
        assert_json(r)
        ct = r.headers["Content-Type"].lower().replace(" ", "")
        assert "charset=utf-8" in ct or ct == "application/json", ct


def test_body_over_limit_is_413(server_factory):
    srv = server_factory(["--max-body-bytes", "1024"])
    api = srv.api
    u = api.register()
    room = api.create_room(u)
    r = api.send(u, room["id"], "x" * 1100)
    assert_error(r, 413, "payload_too_large")
    # Just under the cap is fine (413 is about bytes, not the body field).
    assert api.send(u, room["id"], "y" * 900).status_code == 201
    # A lying huge Content-Length is refused without waiting for the bytes.
    from parley_client import raw_http
    resp = raw_http(srv, (f"POST /api/rooms/{room['id']}/messages HTTP/1.1\r\nHost: x\r\n"
                          f"Authorization: Bearer {u.access}\r\nContent-Type: application/json\r\n"
                          f"Content-Length: 999999999\r\n\r\n{{\"body\":").encode())
    assert resp.startswith(b"HTTP/1.1 413"), resp[:200]
    assert [m["body"] for m in api.history(u, room["id"])] == ["y" * 900]


def test_unknown_route_404_json(api, alice):
    for path in ("/api/nope", "/api/rooms/1/nope", "/api/rooms/x/y/z"):
        assert_error(api.get(path, alice.access), 404, "not_found")


@pytest.mark.parametrize("method,path", [("DELETE", "/api/me"), ("PUT", "/api/rooms"), ("PATCH", "/api/auth/login"),
                                         ("GET", "/api/auth/register"), ("POST", "/healthz")])
def test_wrong_method(api, alice, method, path):
    r = api.req(method, path, alice.access)
    assert r.status_code in (404, 405), (method, path, r.status_code)
    assert_error(r, r.status_code, "not_found" if r.status_code == 404 else r.json()["error"]["code"])


def test_logs_carry_request_id_and_never_secrets(server_factory):
    from parley_client import arun, raw_ws, wait_for, ws_connect, PASSWORD
    srv = server_factory([], log_level="debug")
    api = srv.api
    u = api.register()
    api.get("/api/me", u.access, headers={"X-Request-Id": "trace-me-123"})
    api.login(u.username, "wrong-password-x", )
    r = api.post("/api/auth/refresh", {"refresh_token": u.refresh}, headers={"X-Request-Id": "trace-me-456"})
    assert r.status_code == 200
    new_refresh = r.json()["refresh_token"]
    async def connect_both():
        for how in ("query", "header"):
            c = await ws_connect(srv, u.access, how=how)
            await c.close()
    arun(connect_both())
    raw_ws(srv, u.access).close()
    from parley_client import RawWs
    c = RawWs(srv)
    c.handshake(f"/ws?token={u.access}x")
    c.close()
    # Reuse: revokes the family and (v1.1) ends the session, so it comes after the sockets.
    api.post("/api/auth/refresh", {"refresh_token": u.refresh})
    wait_for(lambda: "trace-me-123" in srv.log_text() and "trace-me-456" in srv.log_text(), 5,
             "the request ids in the log")
    log = srv.log_text()
    for secret, what in ((u.access.split(".")[2], "access token signature"), (u.refresh, "refresh token"),
                         (new_refresh, "rotated refresh token"), (PASSWORD, "password"),
                         ("wrong-password-x", "failed password")):
        assert secret not in log, f"{what} written to the log"


def test_request_id_on_upgrade_responses(server_factory):
    from parley_client import RawWs
    srv = server_factory(["--allowed-origin", "http://good.example"])
    u = srv.api.register()
    cases = [({}, f"/ws?token={u.access}", "13", 101), ({}, "/ws?token=bad", "13", 401),
             ({"Origin": "http://evil.example"}, f"/ws?token={u.access}", "13", 403),
             ({}, f"/ws?token={u.access}", "7", 426)]
    missing = []
    for headers, path, version, status in cases:
        c = RawWs(srv)
        try:
            assert c.handshake(path, dict(headers, **{"X-Request-Id": f"up-{status}"}), version=version) == status
            if c.headers.get("x-request-id") != f"up-{status}":
                missing.append((status, c.headers))
        finally:
            c.close()
    assert not missing, f"X-Request-Id not echoed on: {missing}"


def test_keep_alive_and_pipelining(server, alice):
    import requests
    from parley_client import raw_http
    with requests.Session() as s:
        s.headers["Authorization"] = f"Bearer {alice.access}"
        for i in range(30):
            r = s.get(server.url("/api/me"), timeout=5, headers={"X-Request-Id": f"ka-{i}"})
            assert r.status_code == 200 and r.headers["X-Request-Id"] == f"ka-{i}"
    # Two requests in one write: two responses, in order.
    req = (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: pipe-1\r\n\r\n"
           b"GET /api/me HTTP/1.1\r\nHost: x\r\nX-Request-Id: pipe-2\r\nConnection: close\r\n\r\n")
    out = raw_http(server, req, timeout=5)
    # raw_http stops after the first complete response; read the rest by hand.
    import socket, time
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        s.sendall(req)
        data, deadline = b"", time.monotonic() + 5
        while time.monotonic() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    assert out.startswith(b"HTTP/1.1 200")
    first, second = data.find(b"pipe-1"), data.find(b"pipe-2")
    assert 0 < first < second, data[:400]
    assert data.count(b"HTTP/1.1 ") == 2
    assert b"HTTP/1.1 401" in data  # /api/me without a token


def test_help_and_bad_flags(parley_bin, tmp_path):
    import subprocess
    r = subprocess.run([str(parley_bin), "--help"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0
    for flag in ("--listen", "--data-dir", "--database", "--redis", "--jwt-secret", "--api-key",
                 "--allowed-origin", "--web-root", "--tls-cert", "--tls-key", "--max-body-bytes",
                 "--port-file"):
        assert flag in r.stdout + r.stderr, f"--help does not mention {flag}"
    for args in (["--no-such-flag", "1"], ["--max-body-bytes", "lots"], ["--listen", "nowhere"],
                 ["--log-level", "loud"]):
        r = subprocess.run([str(parley_bin), *args, "--data-dir", str(tmp_path / "d")], capture_output=True,
                           text=True, timeout=10)
        assert r.returncode != 0, f"{args} accepted"
        assert (r.stderr + r.stdout).strip(), f"{args}: no error message"


def test_settings_from_environment_and_config_file(server_factory, tmp_path):
    """flag > PARLEY_* environment > config file > default, seen through --max-body-bytes (413)."""
    def limit_of(srv):
        u = srv.api.register()
        room = srv.api.create_room(u)
        ok = {n: srv.api.send(u, room["id"], "x" * n).status_code for n in (1500, 2500, 3500)}
        return ok

    cfg = tmp_path / "parley.conf"
    cfg.write_text("# test config\nmax-body-bytes = 3000\n")
    by_file = server_factory(["--config", str(cfg)])
    assert limit_of(by_file) == {1500: 201, 2500: 201, 3500: 413}
    by_env = server_factory(["--config", str(cfg)], env={"PARLEY_MAX_BODY_BYTES": "2000"})
    assert limit_of(by_env) == {1500: 201, 2500: 413, 3500: 413}
    by_flag = server_factory(["--config", str(cfg), "--max-body-bytes", "4000"],
                             env={"PARLEY_MAX_BODY_BYTES": "2000"})
    assert limit_of(by_flag) == {1500: 201, 2500: 201, 3500: 201}


def test_users_set_role_command(server_factory, tmp_path):
    import subprocess
    from parley_client import binary_path, extra_flags
    data_dir = tmp_path / "role-data"
    srv = server_factory([], data_dir=data_dir)
    u = srv.api.register()
    assert u.role == "user"
    srv.stop()
    r = subprocess.run([str(binary_path()), "users", "set-role", u.username, "admin", "--data-dir", str(data_dir),
                        *extra_flags(data_dir)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    srv2 = server_factory([], data_dir=data_dir, register_admin=False)
    r = srv2.api.login(u.username)
    assert r.status_code == 200 and r.json()["user"]["role"] == "admin"
    assert srv2.api.get("/api/admin/stats", r.json()["access_token"]).status_code == 200
    bad = subprocess.run([str(binary_path()), "users", "set-role", "no_such_user_x", "admin", "--data-dir",
                          str(data_dir), *extra_flags(data_dir)], capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0


def test_expect_100_continue(server, alice):
    """curl sends `Expect: 100-continue` for bodies over 1 KiB: the server must not stall."""
    import json as _json
    import socket
    import time
    room = server.api.create_room(alice)
    body = _json.dumps({"body": "y" * 2000}).encode()
    head = (f"POST /api/rooms/{room['id']}/messages HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: Bearer {alice.access}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n").encode()
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        s.sendall(head)
        first = s.recv(4096)
        assert first.startswith(b"HTTP/1.1 100"), f"expected 100 Continue, got {first[:100]!r}"
        s.sendall(body)
        data, deadline = b"", time.monotonic() + 5
        while time.monotonic() < deadline and b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        rest = first.split(b"\r\n\r\n", 1)[1] + data
        assert b"HTTP/1.1 201" in rest, rest[:200]
    finally:
        s.close()
