"""v1.1 edit and delete: REST and WebSocket, rev, tombstones, permissions, no-ops, live order."""

import asyncio
import json

import pytest

from parley_client import TS_RE, arun, assert_error, assert_json, ws_user
from v11_client import (MAX_ID, assert_none, assert_position_order, barrier, body_of, check_tombstone,
                        check_updated, check_v11_message, delete_message, delete_ok, edit, edit_ok,
                        expect_error, get_message, pos, react_ok, reply_ok, room_with, snapshot,
                        updated_for, ws_delete, ws_edit)

SERVER_FLAGS = ["--max-body-bytes", "65536"]


@pytest.fixture
def room(api, alice, bob):
    """A public room of alice (owner) that bob joined; carol is not a member."""
    return room_with(api, alice, bob)


def meta_of_size(size):
    overhead = len(json.dumps({"k": ""}, separators=(",", ":")))
    return {"k": "x" * (size - overhead)}


# --------------------------------------------------------------------------------------------
# rev and the edited state


def test_new_message_rev_equals_id_everywhere(server, api, alice, bob, room):
    async def scenario():
        c = await ws_user(server, bob)
        await c.join(room["id"])
        posted = api.send_ok(alice, room["id"], "fresh")
        check_v11_message(posted)
        assert posted["rev"] == posted["id"], posted
        assert "edited_at" not in posted and "deleted" not in posted, posted
        live = await c.recv_until("message", lambda f: f["id"] == posted["id"])
        assert live["rev"] == live["id"], live
        ack = await c.send_msg(room["id"], "over ws")
        live2 = await c.recv_until("message", lambda f: f["id"] == ack["id"])
        assert live2["rev"] == live2["id"], live2
        await c.close()
        return posted, live2

    posted, live2 = arun(scenario())
    hist = api.history(alice, room["id"])
    assert [(m["id"], m["rev"]) for m in hist] == [(posted["id"], posted["id"]), (live2["id"], live2["id"])]


def test_edit_returns_the_message_in_its_new_state(api, alice, bob, room):
    m = api.send_ok(bob, room["id"], "frist", client_id="edit-1", meta={"k": 1})
    later = api.send_ok(alice, room["id"], "a later message")
    r = edit(api, bob, room["id"], m["id"], "first")
    assert r.status_code == 200, r.text
    e = assert_json(r)
    check_v11_message(e)
    assert e["id"] == m["id"] and e["room"] == room["id"] and e["body"] == "first"
    assert e["from"] == m["from"] and e["ts"] == m["ts"] and e["client_id"] == "edit-1"
    assert e["meta"] == {"k": 1}, "meta not given: kept"
    assert TS_RE.match(e["edited_at"]) and e["edited_at"] >= m["ts"]
    assert "deleted" not in e
    # The edit drew a fresh position from the message id sequence: after everything stored before.
    assert e["rev"] > later["id"] > m["id"], (m, later, e)
    assert get_message(api, alice, room["id"], m["id"]) == e
    nxt = api.send_ok(alice, room["id"], "after the edit")
    assert nxt["id"] > e["rev"], "larger means later across messages and changes"
    # History order is still by id.
    assert [x["id"] for x in api.history(alice, room["id"])] == [m["id"], later["id"], nxt["id"]]


def test_edit_meta_replaced_when_given_kept_otherwise(api, bob, room):
    m = api.send_ok(bob, room["id"], "v0", meta={"a": 1})
    e1 = edit_ok(api, bob, room["id"], m["id"], "v1", meta={"b": [2]})
    assert e1["meta"] == {"b": [2]}
    e2 = edit_ok(api, bob, room["id"], m["id"], "v2")
    assert e2["meta"] == {"b": [2]}
    e3 = edit_ok(api, bob, room["id"], m["id"], "v2", meta={})
    assert e3["meta"] == {} and e3["rev"] > e2["rev"], "a meta-only change is a change"
    plain = api.send_ok(bob, room["id"], "no meta")
    e4 = edit_ok(api, bob, room["id"], plain["id"], "no meta", meta={"now": True})
    assert e4["meta"] == {"now": True} and e4["rev"] > plain["id"]
    assert get_message(api, bob, room["id"], m["id"])["meta"] == {}
    # The 4096-byte cap applies to an edit's meta as to a send's.
    exact = meta_of_size(4096)
    e5 = edit_ok(api, bob, room["id"], plain["id"], "no meta", meta=exact)
    assert e5["meta"] == exact


def test_edit_meta_null_is_accepted(api, bob, room):
    """`"meta": null` is "no meta" for a send; an edit with it is not an error."""
    m = api.send_ok(bob, room["id"], "v0", meta={"a": 1})
    r = edit(api, bob, room["id"], m["id"], "v1", meta=None)
    assert r.status_code == 200, r.text
    assert r.json()["body"] == "v1"


def test_each_edit_draws_a_larger_rev(api, bob, room):
    m = api.send_ok(bob, room["id"], "v0")
    revs, stamps = [m["rev"]], []
    for i in range(1, 5):
        e = edit_ok(api, bob, room["id"], m["id"], f"v{i}")
        revs.append(e["rev"])
        stamps.append(e["edited_at"])
    assert revs == sorted(revs) and len(set(revs)) == len(revs), revs
    assert stamps == sorted(stamps), stamps
    assert get_message(api, bob, room["id"], m["id"])["rev"] == revs[-1]


def test_edit_that_changes_nothing_is_a_no_op(server, api, alice, bob, room):
    m = api.send_ok(bob, room["id"], "same", meta={"x": 1})

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        for kwargs in ({}, {"meta": {"x": 1}}):
            r = edit(api, bob, room["id"], m["id"], "same", **kwargs)
            assert r.status_code == 200, r.text
            got = r.json()
            assert got["rev"] == m["id"] and "edited_at" not in got, f"no-op drew a rev: {got}"
            assert got["body"] == "same" and got["meta"] == {"x": 1}
        await assert_none(c, "message_updated", what="after a no-op edit")
        real = edit_ok(api, bob, room["id"], m["id"], "changed")
        await updated_for(c, m["id"], real["rev"])
        again = edit_ok(api, bob, room["id"], m["id"], "changed")
        assert again["rev"] == real["rev"] and again["edited_at"] == real["edited_at"], again
        await assert_none(c, "message_updated", what="after a repeated edit")
        await c.close()
        return real

    real = arun(scenario())
    assert get_message(api, bob, room["id"], m["id"]) == real


def test_edit_body_at_the_limits(api, bob, room):
    m = api.send_ok(bob, room["id"], "short")
    e = edit_ok(api, bob, room["id"], m["id"], "😀" * 4000)
    assert e["body"] == "😀" * 4000
    odd = "quote \" backslash \\ <script>x</script> \u202e rtl 👩\u200d👩\u200d👧 \n tab\t"
    assert edit_ok(api, bob, room["id"], m["id"], odd)["body"] == odd
    assert get_message(api, bob, room["id"], m["id"])["body"] == odd


@pytest.mark.parametrize("payload,field", [
    ({}, "body"),
    ({"body": ""}, "body"),
    ({"body": None}, "body"),
    ({"body": 5}, "body"),
    ({"body": ["x"]}, "body"),
    ({"body": "a\u0000b"}, "body"),
    ({"body": "x" * 4001}, "body"),
    ({"body": "😀" * 4001}, "body"),
    ({"meta": {"a": 1}}, "body"),
    ({"body": "ok", "meta": [1]}, "meta"),
    ({"body": "ok", "meta": "text"}, "meta"),
    ({"body": "ok", "meta": 5}, "meta"),
    ({"body": "ok", "meta": True}, "meta"),
    ({"body": "ok", "meta": meta_of_size(4097)}, "meta"),
])
def test_bad_edits_are_400_and_change_nothing(server, api, alice, bob, room, payload, field):
    m = api.send_ok(bob, room["id"], "original", meta={"keep": 1})

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        assert_error(edit(api, bob, room["id"], m["id"], payload=payload), 400, "bad_request", field)
        await assert_none(c, "message_updated", what="after a refused edit")
        await c.close()

    arun(scenario())
    assert get_message(api, bob, room["id"], m["id"]) == m


@pytest.mark.parametrize("raw", [b"", b"{", b"[1]", b"\"body\"", b"{\"body\": \"\\ud800\"}", b"\xff\xfe",
                                 b"{\"body\":\"x\"}{\"body\":\"y\"}"])
def test_malformed_edit_bodies_are_400(api, bob, room, raw):
    m = api.send_ok(bob, room["id"], "original")
    r = api.req("PATCH", f"/api/rooms/{room['id']}/messages/{m['id']}", bob.access, data=raw,
                headers={"Content-Type": "application/json"})
    assert_error(r, 400, "bad_request")
    assert get_message(api, bob, room["id"], m["id"]) == m


def test_edit_permissions(api, admin, alice, bob, carol, room):
    m = api.send_ok(bob, room["id"], "bob's words")
    # The room's owner may not edit someone else's message, nor may an admin, nor a non-member.
    assert_error(edit(api, alice, room["id"], m["id"], "owner rewrites"), 403, "forbidden")
    assert api.join_room(admin, room["id"]).status_code == 200
    assert_error(edit(api, admin, room["id"], m["id"], "admin rewrites"), 403, "forbidden")
    assert_error(edit(api, carol, room["id"], m["id"], "stranger rewrites"), 403, "forbidden")
    assert api.join_room(carol, room["id"]).status_code == 200
    assert_error(edit(api, carol, room["id"], m["id"], "member rewrites"), 403, "forbidden")
    r = api.req("PATCH", f"/api/rooms/{room['id']}/messages/{m['id']}", None, json_body={"body": "anon"})
    assert_error(r, 401, "unauthorized")
    r = api.req("PATCH", f"/api/rooms/{room['id']}/messages/{m['id']}", "not-a-token", json_body={"body": "x"})
    assert_error(r, 401, "unauthorized")
    assert get_message(api, bob, room["id"], m["id"]) == m


def test_edit_and_delete_in_private_room_by_non_member_not_found(api, alice, bob, carol):
    priv = room_with(api, alice, bob, private=True)
    m = api.send_ok(bob, priv["id"], "secret")
    assert_error(edit(api, carol, priv["id"], m["id"], "x"), 404, "not_found")
    assert_error(delete_message(api, carol, priv["id"], m["id"]), 404, "not_found")
    # A room that does not exist looks the same.
    assert_error(edit(api, carol, 987654321, m["id"], "x"), 404, "not_found")
    assert_error(delete_message(api, carol, 987654321, m["id"]), 404, "not_found")
    assert get_message(api, bob, priv["id"], m["id"]) == m
    # The author, a member, can.
    assert edit_ok(api, bob, priv["id"], m["id"], "secret, edited")["body"] == "secret, edited"
    delete_ok(api, bob, priv["id"], m["id"])


def test_mid_not_in_that_room_is_404(api, alice, bob, room):
    other = room_with(api, alice, bob)
    elsewhere = api.send_ok(bob, other["id"], "in the other room")
    here = api.send_ok(bob, room["id"], "here")
    for r in (edit(api, bob, room["id"], elsewhere["id"], "moved?"),
              delete_message(api, bob, room["id"], elsewhere["id"]),
              edit(api, bob, room["id"], here["id"] + 10 ** 9, "unknown"),
              delete_message(api, bob, room["id"], here["id"] + 10 ** 9),
              edit(api, bob, room["id"], MAX_ID, "unknown"),
              delete_message(api, bob, room["id"], MAX_ID)):
        assert_error(r, 404, "not_found")
    assert get_message(api, bob, other["id"], elsewhere["id"]) == elsewhere
    assert get_message(api, bob, room["id"], here["id"]) == here
    # Through its own room it works.
    assert edit_ok(api, bob, other["id"], elsewhere["id"], "edited at home")["body"] == "edited at home"


@pytest.mark.parametrize("mid", ["abc", "0", "-1", "1.5", "1e3", "+1", "0x10", "9007199254740992",
                                 "99999999999999999999999999", "%00", "1%20"])
def test_bad_mid_in_path(api, bob, room, mid):
    m = api.send_ok(bob, room["id"], "untouched")
    for r in (edit(api, bob, room["id"], mid, "x"), delete_message(api, bob, room["id"], mid)):
        assert r.status_code in (400, 404), (mid, r.status_code, r.text)
        assert_error(r, r.status_code, "bad_request" if r.status_code == 400 else "not_found")
    assert snapshot(api, bob, room["id"]) == [m]
    assert edit_ok(api, bob, room["id"], m["id"], "edited")["body"] == "edited"


# --------------------------------------------------------------------------------------------
# delete


def test_delete_makes_the_exact_tombstone(server, api, alice, bob, room):
    """Deleting keeps exactly id, room, from, ts, rev, client_id, reply_to, reply_count and
    last_reply_at, has body "", and drops meta, reactions, mentions and edited_at."""
    parent = api.send_ok(bob, room["id"], f"hey @{alice.username}", client_id="tomb-1", meta={"m": 1})
    edit_ok(api, bob, room["id"], parent["id"], f"hey @{alice.username}, edited")
    react_ok(api, alice, room["id"], parent["id"], "👍")
    reply = reply_ok(api, alice, room["id"], "a reply", parent["id"], client_id="tomb-2", meta={"r": 2})
    before = get_message(api, alice, room["id"], parent["id"])
    assert before["reply_count"] == 1 and before.get("edited_at") and before.get("reactions"), before
    assert before.get("mentions") == [alice.id], before

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        r = delete_message(api, bob, room["id"], parent["id"])
        assert r.status_code == 204 and r.content == b"", (r.status_code, r.text)
        live = body_of(await updated_for(c, parent["id"]))
        await c.close()
        return live

    live = arun(scenario())
    stored = get_message(api, alice, room["id"], parent["id"])
    for t in (live, stored):
        check_tombstone(t, before)
        assert set(t) == {"id", "room", "from", "ts", "rev", "client_id", "reply_count", "last_reply_at",
                          "deleted", "body"}, t
        assert t["reply_count"] == 1 and t["last_reply_at"] == reply["ts"]
    assert live == stored
    # A deleted reply keeps its reply_to.
    delete_ok(api, alice, room["id"], reply["id"])
    t = get_message(api, alice, room["id"], reply["id"])
    check_tombstone(t, reply)
    assert set(t) == {"id", "room", "from", "ts", "rev", "client_id", "reply_to", "deleted", "body"}, t
    assert t["reply_to"] == parent["id"] and t["client_id"] == "tomb-2"
    # Both stay in history, in id order.
    assert [m["id"] for m in api.history(bob, room["id"])] == [parent["id"], reply["id"]]


def test_plain_message_tombstone(api, bob, room):
    m = api.send_ok(bob, room["id"], "plain")
    delete_ok(api, bob, room["id"], m["id"])
    t = get_message(api, bob, room["id"], m["id"])
    check_tombstone(t, m)
    assert set(t) - {"client_id", "reply_to", "reply_count", "last_reply_at"} == \
        {"id", "room", "from", "ts", "rev", "deleted", "body"}, t
    assert t.get("client_id") is None and t.get("reply_to") is None and not t.get("reply_count")
    assert t["from"] == m["from"] and t["ts"] == m["ts"]


def test_deleting_twice_is_not_an_error_and_draws_nothing(server, api, alice, bob, room):
    m = api.send_ok(bob, room["id"], "going")

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        delete_ok(api, bob, room["id"], m["id"])
        first = await updated_for(c, m["id"])
        delete_ok(api, bob, room["id"], m["id"])
        delete_ok(api, alice, room["id"], m["id"])  # the owner, on an already deleted message
        await assert_none(c, "message_updated", what="after a second delete")
        await c.close()
        return body_of(first)

    first = arun(scenario())
    assert get_message(api, bob, room["id"], m["id"]) == first


def test_deleted_message_cannot_be_edited(api, bob, room):
    m = api.send_ok(bob, room["id"], "soon gone")
    delete_ok(api, bob, room["id"], m["id"])
    t = get_message(api, bob, room["id"], m["id"])
    assert_error(edit(api, bob, room["id"], m["id"], "resurrected"), 409, "conflict")
    assert_error(edit(api, bob, room["id"], m["id"], "resurrected", meta={"a": 1}), 409, "conflict")
    assert get_message(api, bob, room["id"], m["id"]) == t


def test_delete_permissions(api, admin, alice, bob, carol):
    room = room_with(api, alice, bob, carol)
    by_bob = [api.send_ok(bob, room["id"], f"bob {i}") for i in range(3)]
    by_carol = api.send_ok(carol, room["id"], "carol")
    by_alice = api.send_ok(alice, room["id"], "alice, the owner")
    # A member may not delete someone else's message, not even the owner's.
    assert_error(delete_message(api, carol, room["id"], by_bob[0]["id"]), 403, "forbidden")
    assert_error(delete_message(api, bob, room["id"], by_alice["id"]), 403, "forbidden")
    assert not get_message(api, bob, room["id"], by_bob[0]["id"]).get("deleted")
    assert not get_message(api, bob, room["id"], by_alice["id"]).get("deleted")
    # The author, the room's owner and an admin may.
    delete_ok(api, bob, room["id"], by_bob[0]["id"])
    delete_ok(api, alice, room["id"], by_bob[1]["id"])
    assert api.join_room(admin, room["id"]).status_code == 200
    delete_ok(api, admin, room["id"], by_carol["id"])
    for mid in (by_bob[0]["id"], by_bob[1]["id"], by_carol["id"]):
        assert get_message(api, carol, room["id"], mid).get("deleted") is True
    assert not get_message(api, carol, room["id"], by_bob[2]["id"]).get("deleted")
    assert not get_message(api, carol, room["id"], by_alice["id"]).get("deleted")


def test_delete_by_non_member_or_anonymous(api, alice, bob, carol, room):
    m = api.send_ok(bob, room["id"], "stays")
    assert_error(delete_message(api, carol, room["id"], m["id"]), 403, "forbidden")
    assert_error(api.req("DELETE", f"/api/rooms/{room['id']}/messages/{m['id']}"), 401, "unauthorized")
    assert get_message(api, bob, room["id"], m["id"]) == m


# --------------------------------------------------------------------------------------------
# WebSocket edit / delete


def test_ws_edit_replies_updated_and_everyone_gets_message_updated(server, api, alice, bob, room):
    m = api.send_ok(bob, room["id"], "typo")

    async def scenario():
        author = await ws_user(server, bob, name="author")
        other = await ws_user(server, alice, name="other")
        await author.join(room["id"])
        await other.join(room["id"])
        reply = await ws_edit(author, room["id"], m["id"], "fixed", meta={"v": 2})
        rev = check_updated(reply, room["id"], m["id"])
        assert rev > m["id"]
        assert set(reply) >= {"type", "ref", "room", "id", "rev"}, reply
        frames = [await updated_for(c, m["id"], rev) for c in (author, other)]
        for f in frames:
            check_v11_message(body_of(f))
            assert f["body"] == "fixed" and f["meta"] == {"v": 2} and f["edited_at"], f
            assert f["from"] == m["from"] and f["ts"] == m["ts"] and f["room"] == room["id"]
        assert body_of(frames[0]) == body_of(frames[1])
        for c in (author, other):
            await assert_none(c, "message_updated", what="a second time")
            await c.close()
        return body_of(frames[0])

    live = arun(scenario())
    assert get_message(api, alice, room["id"], m["id"]) == live


def test_ws_edit_without_subscribing(server, api, alice, bob, room):
    m = api.send_ok(bob, room["id"], "before")

    async def scenario():
        author = await ws_user(server, bob, name="author")
        watcher = await ws_user(server, alice, name="watcher")
        await watcher.join(room["id"])
        rev = check_updated(await ws_edit(author, room["id"], m["id"], "after"), room["id"], m["id"])
        f = await updated_for(watcher, m["id"], rev)
        assert f["body"] == "after"
        await assert_none(author, "message_updated", what="on a connection not subscribed")
        await author.close()
        await watcher.close()

    arun(scenario())


def test_ws_delete_and_repeated_delete(server, api, alice, bob, room):
    m = api.send_ok(bob, room["id"], "to delete", client_id="wsdel")

    async def scenario():
        author = await ws_user(server, bob, name="author")
        other = await ws_user(server, alice, name="other")
        await author.join(room["id"])
        await other.join(room["id"])
        rev = check_updated(await ws_delete(author, room["id"], m["id"]), room["id"], m["id"])
        for c in (author, other):
            f = await updated_for(c, m["id"], rev)
            check_tombstone(body_of(f), m)
        again = await ws_delete(author, room["id"], m["id"])
        assert check_updated(again, room["id"], m["id"]) == rev, "a second delete draws no rev"
        owner_again = await ws_delete(other, room["id"], m["id"])
        assert check_updated(owner_again, room["id"], m["id"]) == rev
        for c in (author, other):
            await assert_none(c, "message_updated", what="after a second delete")
            await c.close()

    arun(scenario())


def test_ws_delete_by_owner_and_admin(server, api, admin, alice, bob, carol):
    room = room_with(api, alice, bob, carol, admin)
    by_bob = api.send_ok(bob, room["id"], "bob's")
    by_carol = api.send_ok(carol, room["id"], "carol's")

    async def scenario():
        owner = await ws_user(server, alice, name="owner")
        adm = await ws_user(server, admin, name="admin")
        member = await ws_user(server, carol, name="member")
        await expect_error(member, {"type": "delete", "room": room["id"], "id": by_bob["id"]}, "forbidden")
        await expect_error(adm, {"type": "edit", "room": room["id"], "id": by_bob["id"], "body": "x"}, "forbidden")
        check_updated(await ws_delete(owner, room["id"], by_bob["id"]), room["id"], by_bob["id"])
        check_updated(await ws_delete(adm, room["id"], by_carol["id"]), room["id"], by_carol["id"])
        for c in (owner, adm, member):
            await c.close()

    arun(scenario())
    check_tombstone(get_message(api, bob, room["id"], by_bob["id"]), by_bob)
    check_tombstone(get_message(api, bob, room["id"], by_carol["id"]), by_carol)


def test_ws_edit_no_op_replies_current_rev_without_event(server, api, alice, bob, room):
    m = api.send_ok(bob, room["id"], "unchanged")

    async def scenario():
        author = await ws_user(server, bob, name="author")
        other = await ws_user(server, alice, name="other")
        await other.join(room["id"])
        reply = await ws_edit(author, room["id"], m["id"], "unchanged")
        assert check_updated(reply, room["id"], m["id"]) == m["id"]
        await assert_none(other, "message_updated", what="after a no-op edit")
        await author.close()
        await other.close()

    arun(scenario())
    assert get_message(api, bob, room["id"], m["id"]) == m


def test_ws_edit_delete_permission_errors(server, api, admin, alice, bob, carol):
    pub = room_with(api, alice, bob)
    priv = room_with(api, alice, bob, private=True)
    other = room_with(api, alice, bob)
    mb = api.send_ok(bob, pub["id"], "bob in public")
    ma = api.send_ok(alice, pub["id"], "alice in public")
    mp = api.send_ok(bob, priv["id"], "bob in private")
    mo = api.send_ok(bob, other["id"], "bob elsewhere")
    gone = api.send_ok(bob, pub["id"], "deleted")
    delete_ok(api, bob, pub["id"], gone["id"])
    states = {m["id"]: get_message(api, bob, r["id"], m["id"])
              for r, m in ((pub, mb), (pub, ma), (priv, mp), (other, mo), (pub, gone))}

    async def scenario():
        c = await ws_user(server, carol, name="carol")
        a = await ws_user(server, alice, name="alice")
        b = await ws_user(server, bob, name="bob")
        cases = [
            (c, {"type": "edit", "room": pub["id"], "id": mb["id"], "body": "x"}, "forbidden"),
            (c, {"type": "delete", "room": pub["id"], "id": mb["id"]}, "forbidden"),
            (c, {"type": "edit", "room": priv["id"], "id": mp["id"], "body": "x"}, "not_found"),
            (c, {"type": "delete", "room": priv["id"], "id": mp["id"]}, "not_found"),
            (c, {"type": "edit", "room": 987654321, "id": mp["id"], "body": "x"}, "not_found"),
            (a, {"type": "edit", "room": pub["id"], "id": mb["id"], "body": "owner edits"}, "forbidden"),
            (b, {"type": "delete", "room": pub["id"], "id": ma["id"]}, "forbidden"),
            (b, {"type": "edit", "room": pub["id"], "id": gone["id"], "body": "back"}, "conflict"),
            (b, {"type": "edit", "room": pub["id"], "id": mo["id"], "body": "x"}, "not_found"),
            (b, {"type": "delete", "room": pub["id"], "id": mo["id"]}, "not_found"),
            (b, {"type": "edit", "room": pub["id"], "id": mb["id"] + 10 ** 9, "body": "x"}, "not_found"),
            (b, {"type": "delete", "room": pub["id"], "id": mb["id"] + 10 ** 9}, "not_found"),
        ]
        for conn, frame, code in cases:
            err = await expect_error(conn, frame, code)
            assert err.get("ref"), err
        for conn in (a, b, c):
            await barrier(conn)
            await conn.close()

    arun(scenario())
    for r, m in ((pub, mb), (pub, ma), (priv, mp), (other, mo), (pub, gone)):
        assert get_message(api, bob, r["id"], m["id"]) == states[m["id"]]


@pytest.mark.parametrize("frame", [
    {"type": "edit", "room": "R", "id": "M"},
    {"type": "edit", "room": "R", "id": "M", "body": ""},
    {"type": "edit", "room": "R", "id": "M", "body": None},
    {"type": "edit", "room": "R", "id": "M", "body": 5},
    {"type": "edit", "room": "R", "id": "M", "body": "x" * 4001},
    {"type": "edit", "room": "R", "id": "M", "body": "a\u0000b"},
    {"type": "edit", "room": "R", "id": "M", "body": "ok", "meta": [1]},
    {"type": "edit", "room": "R", "id": "M", "body": "ok", "meta": "m"},
    {"type": "edit", "room": "R", "body": "ok"},
    {"type": "edit", "room": "R", "id": "5", "body": "ok"},
    {"type": "edit", "room": "R", "id": 1.5, "body": "ok"},
    {"type": "edit", "room": "R", "id": None, "body": "ok"},
    {"type": "edit", "room": "R", "id": [1], "body": "ok"},
    {"type": "edit", "id": "M", "body": "ok"},
    {"type": "edit", "room": "x", "id": "M", "body": "ok"},
    {"type": "delete", "room": "R"},
    {"type": "delete", "room": "R", "id": "x"},
    {"type": "delete", "room": "R", "id": None},
    {"type": "delete", "room": "R", "id": True},
    {"type": "delete", "id": "M"},
    {"type": "edit", "room": "R", "id": "M", "body": "ok", "ref": 5},
    {"type": "delete", "room": "R", "id": "M", "ref": "r" * 65},
])
def test_ws_bad_edit_delete_frames(server, api, alice, bob, room, frame):
    m = api.send_ok(bob, room["id"], "original", meta={"k": 1})
    fixed = {k: (room["id"] if v == "R" else m["id"] if v == "M" else v) for k, v in frame.items()}

    async def scenario():
        c = await ws_user(server, bob, name="author")
        w = await ws_user(server, alice, name="watcher")
        await w.join(room["id"])
        await c.send(fixed)
        err = await c.recv_until("error", timeout=5)
        assert err["code"] == "bad_request", (fixed, err)
        await assert_none(w, "message_updated", what=f"after {fixed}")
        # The connection stays open and works.
        ok = await ws_edit(c, room["id"], m["id"], "original, edited")
        check_updated(ok, room["id"], m["id"])
        await c.close()
        await w.close()

    arun(scenario())
    after = get_message(api, bob, room["id"], m["id"])
    assert after["body"] == "original, edited" and after["meta"] == {"k": 1}


@pytest.mark.parametrize("mid", [0, -1, 2 ** 53, 2 ** 64])
def test_ws_out_of_range_ids(server, api, bob, room, mid):
    m = api.send_ok(bob, room["id"], "untouched")

    async def scenario():
        c = await ws_user(server, bob)
        for frame in ({"type": "edit", "room": room["id"], "id": mid, "body": "x"},
                      {"type": "delete", "room": room["id"], "id": mid}):
            await expect_error(c, frame, "bad_request", "not_found")
        await barrier(c)
        await c.close()

    arun(scenario())
    assert snapshot(api, bob, room["id"]) == [m]

    async def control():
        c = await ws_user(server, bob)
        check_updated(await ws_edit(c, room["id"], m["id"], "edited"), room["id"], m["id"])
        await c.close()

    arun(control())


# --------------------------------------------------------------------------------------------
# live order


def test_rest_edit_and_delete_reach_subscribers(server, api, alice, bob, room):
    m1 = api.send_ok(bob, room["id"], "one")
    m2 = api.send_ok(bob, room["id"], "two")

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        e = edit_ok(api, bob, room["id"], m1["id"], "one!")
        f = await updated_for(c, m1["id"], e["rev"])
        assert body_of(f) == e
        delete_ok(api, bob, room["id"], m2["id"])
        t = await updated_for(c, m2["id"])
        check_tombstone(body_of(t), m2)
        assert t["rev"] > e["rev"]
        await c.close()

    arun(scenario())


def test_subscriber_sees_messages_and_updates_in_position_order(server, api, alice, bob, carol, room):
    """Two writers pipeline sends, edits and deletes over WebSocket while REST edits run too; a
    subscriber gets every event once, in position order, and each message before its updates."""
    api.join_room(carol, room["id"])
    seed_a = [api.send_ok(alice, room["id"], f"a-seed{i}") for i in range(6)]
    seed_b = [api.send_ok(bob, room["id"], f"b-seed{i}") for i in range(6)]

    async def writer(c, seeds, tag, n=12):
        refs = {}
        for i in range(n):
            r1, r2 = f"{tag}s{i}", f"{tag}e{i}"
            refs[r1], refs[r2] = "send", "edit"
            await c.send({"type": "send", "room": room["id"], "body": f"{tag}{i}", "ref": r1})
            await c.send({"type": "edit", "room": room["id"], "id": seeds[i % len(seeds)]["id"],
                          "body": f"{tag} edit {i}", "ref": r2})
        r3 = f"{tag}d"
        refs[r3] = "delete"
        await c.send({"type": "delete", "room": room["id"], "id": seeds[-1]["id"], "ref": r3})
        replies = []
        while len(replies) < len(refs):
            f = await c.recv_until(None, lambda f: f.get("ref") in refs, timeout=10)
            assert f["type"] == ("ack" if refs[f["ref"]] == "send" else "updated"), f
            replies.append(f)
        return replies

    async def scenario():
        sub = await ws_user(server, carol, name="subscriber")
        await sub.join(room["id"])
        a = await ws_user(server, alice, name="a")
        b = await ws_user(server, bob, name="b")
        ra, rb = await asyncio.gather(writer(a, seed_a, "a"), writer(b, seed_b, "b"))
        # A send acked, then edited at once: its message must come before its update.
        ack = await a.send_msg(room["id"], "quick")
        rev = check_updated(await ws_edit(a, room["id"], ack["id"], "quick, edited"), room["id"], ack["id"])
        expected = {("message", f["id"], f["id"]) for f in ra + rb if f["type"] == "ack"}
        expected |= {("message_updated", f["id"], f["rev"]) for f in ra + rb if f["type"] == "updated"}
        expected |= {("message", ack["id"], ack["id"]), ("message_updated", ack["id"], rev)}
        events = []

        def seen():
            return {(f["type"], f["id"], pos(f)) for f in events}

        deadline = asyncio.get_running_loop().time() + 15
        while not expected <= seen():
            left = deadline - asyncio.get_running_loop().time()
            assert left > 0, f"missing events: {sorted(expected - seen())}"
            events.append(await sub.recv_until(None, lambda f: f.get("type") in ("message", "message_updated"),
                                               timeout=left))
        await barrier(sub)
        events += [f for f in sub.pending if f.get("type") in ("message", "message_updated")]
        assert_position_order(events, "subscriber")
        first_seen = {}
        for i, f in enumerate(events):
            first_seen.setdefault(f["id"], (i, f["type"]))
        for mid, (_, t) in first_seen.items():
            if mid > seed_b[-1]["id"]:
                assert t == "message", f"an update of {mid} arrived before its message"
        for c in (sub, a, b):
            await c.close()
        return events

    events = arun(scenario(), timeout=45)
    # The last event of each message is its stored state.
    last = {}
    for f in events:
        last[f["id"]] = body_of(f)
    hist = {m["id"]: m for m in api.history(carol, room["id"])}
    for mid, state in last.items():
        assert hist[mid] == state, (mid, hist[mid], state)
