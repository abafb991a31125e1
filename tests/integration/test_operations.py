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
    sample = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInfaN]+( \d+)?$")
    bad = [l for l in lines if not sample.match(l)]
    assert not bad, f"malformed exposition lines: {bad[:5]}"
    assert any(l.startswith("# TYPE ") for l in r.text.splitlines())


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
