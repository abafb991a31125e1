"""Bad input of every kind gets a clear 4xx JSON error, never a crash or corrupted data."""

import json

import pytest

from parley_client import arun, assert_error, raw_http, ws_user

SERVER_FLAGS = ["--max-body-bytes", "262144"]


@pytest.fixture(scope="module")
def sentinel(_module_server, users):
    """A room with known history that every test re-checks afterwards."""
    api = _module_server.api
    owner = users[0]
    room = api.create_room(owner)
    msgs = [api.send_ok(owner, room["id"], f"sentinel {i} 😀", client_id=f"sent-{i}", meta={"i": i})
            for i in range(5)]
    return owner, room, msgs


@pytest.fixture(autouse=True)
def data_intact(server, sentinel):
    yield
    owner, room, msgs = sentinel
    assert server.alive(), "server died"
    hist = server.api.history(owner, room["id"])
    assert hist == msgs, "stored data changed after bad input"
    assert server.api.get("/healthz").status_code == 200


def _post_raw(api, path, data, token=None, ctype="application/json"):
    headers = {} if ctype is None else {"Content-Type": ctype}
    return api.req("POST", path, token, data=data, headers=headers)


MALFORMED = [b"", b"{", b"}", b"{\"username\":", b"nul\x00l", b"{'a': 1}", b"{\"a\":1,}", b"[1,2",
             b"{\"a\": 01}", b"{\"a\": NaN}", b"{\"a\": Infinity}", b"\xef\xbb\xbf{}", b"{\"a\":\"\\ud800\"}",
             b"{\"a\":\"\\x41\"}", b"{\"a\":1}{\"b\":2}", b"{\"a\":\"tab\tin string\"}"]


@pytest.mark.parametrize("data", MALFORMED)
def test_malformed_json_register(api, data):
    assert_error(_post_raw(api, "/api/auth/register", data), 400, "bad_request")


@pytest.mark.parametrize("data", MALFORMED)
def test_malformed_json_message(api, alice, sentinel, data):
    _, room, _ = sentinel
    api.join_room(alice, room["id"])
    assert_error(_post_raw(api, f"/api/rooms/{room['id']}/messages", data, alice.access), 400, "bad_request")


@pytest.mark.parametrize("data", [b"[]", b"[{\"body\":\"x\"}]", b"\"body\"", b"42", b"null", b"true"])
def test_non_object_bodies(api, alice, sentinel, data):
    _, room, _ = sentinel
    api.join_room(alice, room["id"])
    assert_error(_post_raw(api, f"/api/rooms/{room['id']}/messages", data, alice.access), 400, "bad_request")
    assert_error(_post_raw(api, "/api/rooms", data, alice.access), 400, "bad_request")
    assert_error(_post_raw(api, "/api/auth/login", data), 400, "bad_request")


@pytest.mark.parametrize("data", [b"{\"body\":\"\xff\xfe\"}", b"{\"body\":\"\xc0\xaf\"}", b"{\"body\":\"\xed\xa0\x80\"}",
                                  b"{\"body\":\"ok\",\"meta\":{\"k\":\"\xe2\x82\"}}"])
def test_invalid_utf8_body(api, alice, sentinel, data):
    _, room, _ = sentinel
    api.join_room(alice, room["id"])
    assert_error(_post_raw(api, f"/api/rooms/{room['id']}/messages", data, alice.access), 400, "bad_request")


def test_lone_surrogate_escape_in_body(api, alice, sentinel):
    _, room, _ = sentinel
    api.join_room(alice, room["id"])
    r = _post_raw(api, f"/api/rooms/{room['id']}/messages", b'{"body":"a\\udc00b"}', alice.access)
    assert_error(r, 400, "bad_request")


@pytest.mark.parametrize("payload,field", [
    ({"username": ["a"], "password": "password123"}, "username"),
    ({"username": {"x": 1}, "password": "password123"}, "username"),
    ({"username": None, "password": "password123"}, "username"),
    ({"username": "valid_name", "password": ["x"]}, "password"),
    ({"username": True, "password": "password123"}, "username"),
])
def test_wrong_types_register(api, payload, field):
    assert_error(api.post("/api/auth/register", payload), 400, "bad_request", field)


@pytest.mark.parametrize("path", ["/api/rooms/-1", "/api/rooms/0", "/api/rooms/9007199254740992",
                                  "/api/rooms/99999999999999999999999999", "/api/rooms/1e3", "/api/rooms/abc",
                                  "/api/rooms/%00", "/api/rooms/1.0", "/api/rooms/+1", "/api/rooms/0x10"])
def test_bad_room_ids_in_path(api, alice, path):
    for p in (path, path + "/messages", path + "/members"):
        r = api.get(p, alice.access)
        assert r.status_code in (400, 404), (p, r.status_code, r.text)
        assert_error(r, r.status_code, "bad_request" if r.status_code == 400 else "not_found")
    r = api.post(path + "/messages", {"body": "x"}, token=alice.access)
    assert r.status_code in (400, 404)
    r = api.post(path + "/join", {}, token=alice.access)
    assert r.status_code in (400, 404)


@pytest.mark.parametrize("value", [-1, 0, 2 ** 53, 2 ** 64, 1e308, 1.5, "7", None, [], {}])
def test_ws_bad_room_numbers(server, alice, value):
    async def scenario():
        c = await ws_user(server, alice)
        for t in ("join", "send", "leave", "typing"):
            frame = {"type": t, "room": value, "body": "x", "ref": t}
            await c.send(frame)
            r = await c.recv_until("error", lambda f: f.get("ref") == t, timeout=5)
            assert r["code"] in ("bad_request", "not_found"), (t, value, r)
        raw = '{"type":"join","room":1' + "0" * 400 + ',"ref":"big"}'
        await c.send(raw)
        r = await c.recv_until("error", lambda f: f.get("ref") in ("big", None), timeout=5)
        assert r["code"] in ("bad_request", "not_found"), r
        assert (await c.request({"type": "ping"}))["type"] == "pong"
        await c.close()

    arun(scenario())


def test_ws_bad_since(server, alice, sentinel):
    owner, room, msgs = sentinel

    async def scenario():
        c = await ws_user(server, owner)
        for since in (-1, 1.5, "5", 2 ** 53, [1]):
            r = await c.request({"type": "join", "room": room["id"], "since": since})
            assert r["type"] == "error" and r["code"] == "bad_request", (since, r)
        j = await c.join(room["id"], since=msgs[2]["id"])
        assert [m["id"] for m in j["missed"]] == [m["id"] for m in msgs[3:]]
        await c.close()

    arun(scenario())


def test_deeply_nested_json(api, alice, sentinel):
    _, room, _ = sentinel
    api.join_room(alice, room["id"])
    deep = b"[" * 100000 + b"]" * 100000
    r = _post_raw(api, f"/api/rooms/{room['id']}/messages", deep, alice.access)
    assert r.status_code in (400, 413), r.status_code
    deep_obj = b'{"body":' + b"[" * 100000 + b"]" * 100000 + b"}"
    r = _post_raw(api, f"/api/rooms/{room['id']}/messages", deep_obj, alice.access)
    assert r.status_code in (400, 413), r.status_code
    own = api.create_room(alice)
    meta = "{\"a\":" * 500 + "1" + "}" * 500
    r = _post_raw(api, f"/api/rooms/{own['id']}/messages", ('{"body":"x","meta":' + meta + "}").encode(),
                  alice.access)
    assert r.status_code in (201, 400), r.status_code
    if r.status_code == 201:
        assert json.dumps(api.history(alice, own["id"])[0]["meta"], separators=(",", ":")) == meta


def test_deeply_nested_ws_frame(server, alice):
    async def scenario():
        c = await ws_user(server, alice)
        await c.send("[" * 30000 + "]" * 30000)
        r = await c.recv_until("error", timeout=5)
        assert r["code"] == "bad_request"
        await c.send('{"type":"ping","x":' + "{\"a\":" * 5000 + "1" + "}" * 5000 + "}")
        r = await c.recv(timeout=5)
        assert r["type"] in ("pong", "error")
        assert (await c.request({"type": "ping"}))["type"] == "pong"
        await c.close()

    arun(scenario())


def test_duplicate_keys_and_huge_numbers_in_body(api, alice):
    room = api.create_room(alice)
    r = _post_raw(api, f"/api/rooms/{room['id']}/messages", b'{"body":"a","body":"b"}', alice.access)
    assert r.status_code in (201, 400)
    r = _post_raw(api, f"/api/rooms/{room['id']}/messages", b'{"body":"x","meta":{"n":1' + b"0" * 400 + b"}}",
                  alice.access)
    assert r.status_code in (201, 400)
    r = _post_raw(api, f"/api/rooms/{room['id']}/messages", b'{"body":"x","client_id":1e999}', alice.access)
    assert_error(r, 400, "bad_request", "client_id")


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", None,
                                   "application/json; charset=latin-1"])
def test_content_type_variants(api, alice, ctype):
    """A JSON body under another Content-Type may be accepted or refused, but cleanly."""
    room = api.create_room(alice)
    r = _post_raw(api, f"/api/rooms/{room['id']}/messages", json.dumps({"body": "ct"}).encode(), alice.access, ctype)
    assert r.status_code in (201, 400, 415), r.status_code
    if r.status_code != 201:
        assert_error(r, r.status_code, r.json()["error"]["code"])
    stored = 1 if r.status_code == 201 else 0
    # Form-encoded data is not JSON: always refused.
    r2 = _post_raw(api, f"/api/rooms/{room['id']}/messages", b"body=hello", alice.access,
                   "application/x-www-form-urlencoded")
    assert r2.status_code in (400, 415), r2.status_code
    assert len(api.history(alice, room["id"])) == stored


def test_content_type_json_with_charset_is_accepted(api, alice):
    room = api.create_room(alice)
    r = _post_raw(api, f"/api/rooms/{room['id']}/messages", json.dumps({"body": "ct"}).encode(), alice.access,
                  "application/json; charset=utf-8")
    assert r.status_code == 201, r.text


def test_unknown_fields_are_ignored_or_refused_cleanly(api, alice):
    room = api.create_room(alice)
    r = api.post(f"/api/rooms/{room['id']}/messages", {"body": "x", "extra": {"a": 1}}, token=alice.access)
    assert r.status_code in (201, 400)


@pytest.mark.parametrize("raw", [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n",
    b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
    b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-H: v\r\n" * 5000 + b"\r\n",
])
def test_garbage_http(server, raw):
    resp = raw_http(server, raw, timeout=5)
    if resp:
        status = int(resp.split(b" ", 2)[1]) if resp.startswith(b"HTTP/1.") else 0
        assert status == 0 or 400 <= status < 500 or status == 505, resp[:200]
    assert server.api.get("/healthz").status_code == 200


def test_chunked_json_body_is_accepted(api, alice):
    room = api.create_room(alice)

    def gen():
        yield b'{"body":'
        yield b'"chunked"}'
    r = api.req("POST", f"/api/rooms/{room['id']}/messages", alice.access, data=gen(),
                headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text
    assert api.history(alice, room["id"])[0]["body"] == "chunked"


def test_slowloris_does_not_block_others(server):
    import socket
    socks = []
    try:
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        assert server.api.get("/healthz").status_code == 200
    finally:
        for s in socks:
            s.close()


def test_unknown_user_in_path_and_long_usernames(api, alice):
    r = api.post("/api/dms", {"username": "x" * 10000}, token=alice.access)
    assert r.status_code in (400, 404)
    r = api.post("/api/auth/login", {"username": "x" * 10000, "password": "y" * 10000})
    assert r.status_code in (400, 401)
