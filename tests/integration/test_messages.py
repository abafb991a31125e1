"""Messages over REST: posting, validation, idempotency, meta, pagination, live delivery."""

import json

import pytest

from parley_client import (arun, assert_error, assert_json, check_message_shape, ws_user)

SERVER_FLAGS = ["--max-body-bytes", "65536"]


@pytest.fixture
def room(api, alice, bob):
    """A public room of alice that bob joined."""
    r = api.create_room(alice)
    assert api.join_room(bob, r["id"]).status_code == 200
    return r


def test_post_message_shape(api, alice, room):
    r = api.send(alice, room["id"], "hello world", client_id="c-1", meta={"reply_to": 1})
    assert r.status_code == 201, r.text
    m = assert_json(r)
    check_message_shape(m)
    assert m["room"] == room["id"] and m["body"] == "hello world"
    assert m["from"]["id"] == alice.id and m["from"]["username"] == alice.username
    assert m["client_id"] == "c-1" and m["meta"] == {"reply_to": 1}


def test_post_without_optional_fields(api, alice, room):
    m = api.send_ok(alice, room["id"], "plain")
    assert "meta" not in m or m["meta"] is None
    assert "client_id" not in m or m["client_id"] is None


def test_read_and_write_need_membership(api, alice, carol):
    pub = api.create_room(alice)
    priv = api.create_room(alice, private=True)
    assert_error(api.send(carol, pub["id"], "hi"), 403, "forbidden")
    assert_error(api.page(carol, pub["id"]), 403, "forbidden")
    assert_error(api.send(carol, priv["id"], "hi"), 404, "not_found")
    assert_error(api.page(carol, priv["id"]), 404, "not_found")
    assert_error(api.send(carol, 987654321, "hi"), 404, "not_found")
    assert_error(api.get(f"/api/rooms/{pub['id']}/messages"), 401, "unauthorized")
    assert_error(api.post(f"/api/rooms/{pub['id']}/messages", {"body": "x"}), 401, "unauthorized")


def test_body_length_in_code_points(api, alice, room):
    # 4000 four-byte code points (16000 bytes) are fine; one more is not.
    ok = api.send(alice, room["id"], "😀" * 4000)
    assert ok.status_code == 201, ok.text[:300]
    assert ok.json()["body"] == "😀" * 4000
    assert_error(api.send(alice, room["id"], "😀" * 4001), 400, "bad_request", "body")
    assert api.send(alice, room["id"], "é" * 4000).status_code == 201
    assert_error(api.send(alice, room["id"], "é" * 3999 + "ab"), 400, "bad_request", "body")


ODD_BODIES = [
    "quote \" backslash \\ slash / newline \n tab \t cr \r",
    "controls \u0001\u001f\u007f and del",
    "line sep \u2028 para sep \u2029",
    "rtl \u202e abc \u05d0\u05d1 combining e\u0301 zwj 👩\u200d👩\u200d👧 flags 🇫🇷",
    "noncharacters \ufffe \uffff \U0010ffff bom \ufeff",
    "<script>alert(1)</script> &amp; ' \"",
    "   leading and trailing spaces   ",
]


@pytest.mark.parametrize("body", ODD_BODIES)
def test_body_round_trips_exactly(server, api, alice, room, body):
    posted = api.send_ok(alice, room["id"], body)
    assert posted["body"] == body
    assert api.history(alice, room["id"])[-1]["body"] == body

    async def over_ws():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        ack = await c.send_msg(room["id"], body)
        m = await c.recv_until("message", lambda f: f["id"] == ack["id"])
        assert m["body"] == body
        await c.close()

    arun(over_ws())


def test_body_with_escaped_surrogate_pairs_counts_code_points(api, alice, room):
    raw = json.dumps({"body": "😀" * 4000}).encode()  # \ud83d\ude00 escapes
    r = api.req("POST", f"/api/rooms/{room['id']}/messages", alice.access, data=raw,
                headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text[:300]
    assert r.json()["body"] == "😀" * 4000


@pytest.mark.parametrize("body", ["", "a\u0000b", "\u0000"])
def test_body_empty_or_nul_rejected(api, alice, room, body):
    assert_error(api.send(alice, room["id"], body), 400, "bad_request", "body")


@pytest.mark.parametrize("payload,field", [
    ({}, "body"),
    ({"body": 5}, "body"),
    ({"body": None}, "body"),
    ({"body": "x", "client_id": 5}, "client_id"),
    ({"body": "x", "client_id": "c" * 65}, "client_id"),
])
def test_post_field_validation(api, alice, room, payload, field):
    r = api.post(f"/api/rooms/{room['id']}/messages", payload, token=alice.access)
    assert_error(r, 400, "bad_request", field)


def test_rejected_posts_store_nothing(api, alice, room):
    for body in ("", "a\u0000", "x" * 4001):
        api.send(alice, room["id"], body)
    api.send(alice, room["id"], "x", meta=[1])
    assert api.history(alice, room["id"]) == []


def test_client_id_idempotency(api, alice, bob, room):
    first = api.send(alice, room["id"], "once", client_id="idem-1")
    assert first.status_code == 201
    again = api.send(alice, room["id"], "once (retry)", client_id="idem-1")
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["body"] == "once"
    # Another sender or another room with the same key is a different message.
    other = api.send(bob, room["id"], "bob's", client_id="idem-1")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    room2 = api.create_room(alice)
    r2 = api.send(alice, room2["id"], "elsewhere", client_id="idem-1")
    assert r2.status_code == 201
    hist = api.history(alice, room["id"])
    assert [m["body"] for m in hist] == ["once", "bob's"]
    assert api.send(alice, room["id"], "max key", client_id="k" * 64).status_code == 201


@pytest.mark.parametrize("meta", [{}, {"reply_to": 12, "client": {"name": "cli", "v": [1, 2.5, True, None]}},
                                  {"emoji": "😀", "nested": {"a": {"b": {"c": []}}}}])
def test_meta_stored_and_delivered_as_sent(api, alice, room, meta):
    m = api.send_ok(alice, room["id"], "with meta", meta=meta)
    assert m["meta"] == meta
    hist = api.history(alice, room["id"])
    assert hist[-1]["meta"] == meta


def test_meta_null_is_no_meta(api, alice, room):
    m = api.send_ok(alice, room["id"], "null meta", meta=None)
    assert m.get("meta") is None
    assert api.history(alice, room["id"])[-1].get("meta") is None


@pytest.mark.parametrize("meta", ["text", 5, [1, 2], True])
def test_meta_must_be_object(api, alice, room, meta):
    assert_error(api.send(alice, room["id"], "x", meta=meta), 400, "bad_request", "meta")


def test_meta_size_limit_4096_compact_bytes(api, alice, room):
    def meta_of(size):
        base = {"k": ""}
        overhead = len(json.dumps(base, separators=(",", ":")))
        return {"k": "x" * (size - overhead)}

    exact = meta_of(4096)
    assert len(json.dumps(exact, separators=(",", ":")).encode()) == 4096
    # Sent with spaces: the limit is on the compact form.
    raw = json.dumps({"body": "m", "meta": exact}, indent=2).encode()
    r = api.req("POST", f"/api/rooms/{room['id']}/messages", alice.access, data=raw,
                headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text[:300]
    assert_error(api.send(alice, room["id"], "m", meta=meta_of(4097)), 400, "bad_request", "meta")


@pytest.mark.parametrize("depth", [10, 40, 100])
def test_meta_nesting_within_size_limit(api, alice, room, depth):
    """Any object within 4096 compact bytes is stored as sent; a depth limit, if any, must be
    reported as a bad `meta`, not as invalid JSON."""
    meta_text = '{"a":' * depth + "1" + "}" * depth
    raw = ('{"body":"deep","meta":' + meta_text + "}").encode()
    r = api.req("POST", f"/api/rooms/{room['id']}/messages", alice.access, data=raw,
                headers={"Content-Type": "application/json"})
    if r.status_code == 201:
        assert json.dumps(r.json()["meta"], separators=(",", ":")) == meta_text
    else:
        assert_error(r, 400, "bad_request", "meta")


def _post_n(api, user, room_id, n):
    return [api.send_ok(user, room_id, f"m{i}") for i in range(1, n + 1)]


def test_pagination_before(api, alice):
    room = api.create_room(alice)
    ms = _post_n(api, alice, room["id"], 7)
    ids = [m["id"] for m in ms]
    assert ids == sorted(ids) and len(set(ids)) == 7

    def page(**p):
        r = api.page(alice, room["id"], **p)
        assert r.status_code == 200, r.text
        d = assert_json(r)
        assert "next_before" in d, d
        return [m["id"] for m in d["messages"]], d["next_before"]

    assert page(limit=3) == (ids[6:3:-1], ids[4])
    assert page(limit=3, before=ids[4]) == (ids[3:0:-1], ids[1])
    assert page(limit=3, before=ids[1]) == ([ids[0]], None)
    assert page(limit=7) == (ids[::-1], None)
    assert page(limit=6) == (ids[:0:-1], ids[1])
    assert page() == (ids[::-1], None)  # default limit 50
    assert page(before=ids[0]) == ([], None)
    assert page(limit=2, before=ids[2]) == ([ids[1], ids[0]], None)


def test_default_limit_is_50(api, alice):
    room = api.create_room(alice)
    ids = [m["id"] for m in _post_n(api, alice, room["id"], 53)]
    d = api.page(alice, room["id"]).json()
    assert [m["id"] for m in d["messages"]] == ids[:2:-1]
    assert d["next_before"] == ids[3]
    d = api.page(alice, room["id"], after=ids[0]).json()
    assert [m["id"] for m in d["messages"]] == ids[1:51] and d["next_after"] == ids[50]


def test_pagination_empty_room(api, alice):
    room = api.create_room(alice)
    r = api.page(alice, room["id"])
    assert r.status_code == 200
    assert r.json() == {"messages": [], "next_before": None} or (
        r.json()["messages"] == [] and r.json()["next_before"] is None)


def test_pagination_after(api, alice):
    room = api.create_room(alice)
    ids = [m["id"] for m in _post_n(api, alice, room["id"], 7)]

    def page(**p):
        r = api.page(alice, room["id"], **p)
        assert r.status_code == 200, r.text
        d = assert_json(r)
        assert "next_after" in d, d
        return [m["id"] for m in d["messages"]], d["next_after"]

    assert page(after=ids[0], limit=3) == (ids[1:4], ids[3])
    assert page(after=ids[3], limit=3) == (ids[4:7], None)
    assert page(after=ids[2], limit=4) == (ids[3:7], None)
    assert page(after=ids[2], limit=10) == (ids[3:7], None)
    assert page(after=ids[6]) == ([], None)
    assert page(after=ids[0], limit=5) == (ids[1:6], ids[5])


def test_pagination_full_walks(api, alice):
    room = api.create_room(alice)
    ids = [m["id"] for m in _post_n(api, alice, room["id"], 12)]
    seen, before = [], None
    for _ in range(20):
        p = {"limit": 5} if before is None else {"limit": 5, "before": before}
        d = api.page(alice, room["id"], **p).json()
        seen += [m["id"] for m in d["messages"]]
        before = d["next_before"]
        if before is None:
            break
    assert seen == ids[::-1]
    seen, after = [], ids[0]
    for _ in range(20):
        d = api.page(alice, room["id"], after=after, limit=5).json()
        seen += [m["id"] for m in d["messages"]]
        if d["next_after"] is None:
            break
        after = d["next_after"]
    assert seen == ids[1:]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5"])
def test_limit_bounds(api, alice, limit):
    room = api.create_room(alice)
    assert_error(api.page(alice, room["id"], limit=limit), 400, "bad_request", "limit")


def test_limit_extremes_accepted(api, alice):
    room = api.create_room(alice)
    ids = [m["id"] for m in _post_n(api, alice, room["id"], 2)]
    assert [m["id"] for m in api.page(alice, room["id"], limit=1).json()["messages"]] == [ids[1]]
    assert api.page(alice, room["id"], limit=100).status_code == 200


@pytest.mark.parametrize("param", ["before", "after"])
@pytest.mark.parametrize("value", ["abc", "-5", "1.5", "9007199254740992", "99999999999999999999999"])
def test_cursor_validation(api, alice, param, value):
    room = api.create_room(alice)
    assert_error(api.page(alice, room["id"], **{param: value}), 400, "bad_request", param)


def test_message_order_and_ts(api, alice, bob, room):
    a = api.send_ok(alice, room["id"], "first")
    b = api.send_ok(bob, room["id"], "second")
    assert b["id"] > a["id"] and b["ts"] >= a["ts"]
    hist = api.history(bob, room["id"])
    assert [m["id"] for m in hist] == [a["id"], b["id"]]
    for m in hist:
        check_message_shape(m)
    assert hist[1]["from"] == {"id": bob.id, "username": bob.username} or (
        hist[1]["from"]["id"] == bob.id and hist[1]["from"]["username"] == bob.username)


def test_rest_post_delivered_live_to_subscribers(server, api, alice, bob, room):
    async def scenario():
        c = await ws_user(server, bob)
        await c.join(room["id"])
        posted = api.send_ok(alice, room["id"], "live over rest", client_id="live-1", meta={"x": 1})
        f = await c.recv_until("message", lambda f: f.get("id") == posted["id"], timeout=5)
        for k in ("id", "room", "body", "ts", "client_id", "meta"):
            assert f[k] == posted[k], (k, f, posted)
        assert f["from"]["id"] == alice.id
        # An idempotent retry is not delivered a second time.
        assert api.send(alice, room["id"], "live over rest", client_id="live-1").status_code == 200
        assert (await c.request({"type": "ping"}))["type"] == "pong"
        assert c.take("message") == []
        await c.close()

    arun(scenario())
