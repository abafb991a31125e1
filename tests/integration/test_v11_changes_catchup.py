"""v1.1 catch-up of changes: joined.changed / changed_truncated, GET /api/rooms/{id}/changes,
history in current state, and a client model kept right across a reconnect and a server restart."""

import pytest

from parley_client import arun, assert_error, assert_json, ws_user
from v11_client import (MAX_ID, all_changes, body_of, changes, changes_ok, check_tombstone, check_v11_message,
                        cursor_of, delete_ok, edit_ok, get_message, react_ok, reply_ok, room_with, unreact_ok,
                        updated_for)


@pytest.fixture
def room(api, alice, bob):
    return room_with(api, alice, bob)


def offline_changes(api, alice, bob, room_id, ms):
    """Edit ms[1] twice, react to ms[3], delete ms[2], reply to ms[0]; returns (reply, new message).
    Final revs: ms[3] < ms[2] < ms[1] < ms[0]."""
    edit_ok(api, alice, room_id, ms[1]["id"], "m1, edited once")
    react_ok(api, bob, room_id, ms[3]["id"], "👍")
    delete_ok(api, alice, room_id, ms[2]["id"])
    edit_ok(api, alice, room_id, ms[1]["id"], "m1, edited twice")
    reply = reply_ok(api, bob, room_id, "a reply to m0", ms[0]["id"])
    new = api.send_ok(bob, room_id, "brand new")
    return reply, new


# --------------------------------------------------------------------------------------------
# joined.changed


def test_join_since_reports_changes_in_current_state_ordered_by_rev(server, api, alice, bob, room):
    ms = [api.send_ok(alice, room["id"], f"m{i}") for i in range(6)]
    since = ms[-1]["id"]
    reply, new = offline_changes(api, alice, bob, room["id"], ms)

    async def scenario():
        c = await ws_user(server, bob)
        j = await c.join(room["id"], since=since)
        await c.close()
        return j

    j = arun(scenario())
    assert set(j) >= {"missed", "missed_truncated", "changed", "changed_truncated"}, j.keys()
    assert j["changed_truncated"] is False and j["missed_truncated"] is False
    changed = j["changed"]
    assert [m["id"] for m in changed] == [ms[3]["id"], ms[2]["id"], ms[1]["id"], ms[0]["id"]], \
        [(m["id"], m["rev"]) for m in changed]
    revs = [m["rev"] for m in changed]
    assert revs == sorted(revs) and all(r > since for r in revs), revs
    for m in changed:
        check_v11_message(m)
        assert m["id"] <= since
        assert m == get_message(api, alice, room["id"], m["id"]), "changed carries the current state"
    assert changed[2]["body"] == "m1, edited twice"
    check_tombstone(changed[1], ms[2])
    assert [r["emoji"] for r in changed[0]["reactions"]] == ["👍"]
    assert changed[3]["reply_count"] == 1
    # New messages come as missed, not as changes; unchanged ones come as neither.
    assert [m["id"] for m in j["missed"]] == [reply["id"], new["id"]]
    assert ms[4]["id"] not in [m["id"] for m in changed + j["missed"]]


def test_join_since_with_nothing_changed(server, api, alice, room):
    ms = [api.send_ok(alice, room["id"], f"m{i}") for i in range(3)]
    e = edit_ok(api, alice, room["id"], ms[0]["id"], "edited")

    async def scenario():
        c = await ws_user(server, alice)
        j = await c.join(room["id"], since=e["rev"])
        assert j["changed"] == [] and j["changed_truncated"] is False, j
        assert j["missed"] == []
        await c.request({"type": "leave", "room": room["id"]})
        # A cursor just below the edit's rev sees it again.
        j = await c.join(room["id"], since=e["rev"] - 1)
        assert [m["id"] for m in j["changed"]] == [ms[0]["id"]] and j["changed"][0] == e
        await c.close()

    arun(scenario())


def test_missed_messages_come_in_their_current_state(server, api, alice, bob, room):
    start = api.send_ok(alice, room["id"], "start")
    m = api.send_ok(bob, room["id"], "tpyo")
    e = edit_ok(api, bob, room["id"], m["id"], "typo")
    gone = api.send_ok(bob, room["id"], "oops")
    delete_ok(api, bob, room["id"], gone["id"])

    async def scenario():
        c = await ws_user(server, alice)
        j = await c.join(room["id"], since=start["id"])
        assert [x["id"] for x in j["missed"]] == [m["id"], gone["id"]]
        assert j["missed"][0] == e
        check_tombstone(j["missed"][1], gone)
        assert j["changed"] == [], "messages after since are missed, not changed"
        await c.close()

    arun(scenario())


def test_changed_is_per_room(server, api, alice, room):
    other = room_with(api, alice)
    a = api.send_ok(alice, room["id"], "here")
    b = api.send_ok(alice, other["id"], "there")
    since = max(a["id"], b["id"])
    edit_ok(api, alice, other["id"], b["id"], "there, edited")

    async def scenario():
        c = await ws_user(server, alice)
        j = await c.join(room["id"], since=since)
        assert j["changed"] == [] and j["missed"] == []
        j2 = await c.join(other["id"], since=since)
        assert [m["id"] for m in j2["changed"]] == [b["id"]]
        await c.close()

    arun(scenario())
    assert changes_ok(api, alice, room["id"], since=since)["messages"] == []


@pytest.mark.timeout_s(120)
def test_changed_truncated_beyond_500(server, api, alice, bob):
    """501 changed messages: 500 in joined.changed with changed_truncated, the rest via /changes.
    A cursor one change later leaves exactly 500: not truncated."""
    room = room_with(api, alice, bob)
    ms = [api.send_ok(alice, room["id"], f"n{i}") for i in range(501)]
    since = ms[-1]["id"]
    revs = [react_ok(api, bob, room["id"], m["id"], "✅")["rev"] for m in ms]
    assert revs == sorted(revs) and revs[0] > since

    async def scenario():
        c = await ws_user(server, bob)
        j = await c.join(room["id"], since=since, timeout=15)
        assert j["changed_truncated"] is True, len(j["changed"])
        assert len(j["changed"]) == 500
        assert [m["id"] for m in j["changed"]] == [m["id"] for m in ms[:500]]
        assert [m["rev"] for m in j["changed"]] == revs[:500]
        assert j["missed"] == [] and j["missed_truncated"] is False
        await c.request({"type": "leave", "room": room["id"]})
        j2 = await c.join(room["id"], since=revs[0], timeout=15)
        assert j2["changed_truncated"] is False and len(j2["changed"]) == 500
        assert [m["rev"] for m in j2["changed"]] == revs[1:]
        await c.close()
        return j["changed"][-1]["rev"]

    last = arun(scenario(), timeout=60)
    d = changes_ok(api, bob, room["id"], since=last)
    assert [m["id"] for m in d["messages"]] == [ms[500]["id"]] and d["next_since"] is None
    d = changes_ok(api, bob, room["id"], since=since, limit=500)
    assert [m["rev"] for m in d["messages"]] == revs[:500] and d["next_since"] is not None
    d2 = changes_ok(api, bob, room["id"], since=d["next_since"], limit=500)
    assert [m["rev"] for m in d2["messages"]] == revs[500:] and d2["next_since"] is None


# --------------------------------------------------------------------------------------------
# GET /api/rooms/{id}/changes


def test_changes_lists_every_message_with_rev_after_since_by_rev(api, alice, bob, room):
    m1 = api.send_ok(alice, room["id"], "m1")
    m2 = api.send_ok(alice, room["id"], "m2")
    e1 = edit_ok(api, alice, room["id"], m1["id"], "m1 edited")
    m3 = api.send_ok(bob, room["id"], "m3")
    r2 = react_ok(api, bob, room["id"], m2["id"], "🎉")
    r = changes(api, alice, room["id"], since=m1["id"])
    assert r.status_code == 200, r.text
    d = assert_json(r)
    assert set(d) >= {"messages", "next_since"}
    assert [(m["id"], m["rev"]) for m in d["messages"]] == [(m1["id"], e1["rev"]), (m3["id"], m3["id"]),
                                                            (m2["id"], r2["rev"])]
    assert d["next_since"] is None
    for m in d["messages"]:
        check_v11_message(m)
        assert m == get_message(api, alice, room["id"], m["id"])
    everything = changes_ok(api, alice, room["id"], since=0)["messages"]
    assert [m["id"] for m in everything] == [m1["id"], m3["id"], m2["id"]]
    last = changes_ok(api, alice, room["id"], since=r2["rev"])
    assert last["messages"] == [] and last["next_since"] is None, last
    assert changes_ok(api, alice, room["id"], since=MAX_ID)["messages"] == []


def test_changes_paging_default_100_and_limits(api, alice, room):
    ms = [api.send_ok(alice, room["id"], f"m{i}") for i in range(103)]
    e = edit_ok(api, alice, room["id"], ms[0]["id"], "first, edited last")
    order = [m["id"] for m in ms[1:]] + [ms[0]["id"]]
    d = changes_ok(api, alice, room["id"], since=0)
    assert [m["id"] for m in d["messages"]] == order[:100] and d["next_since"] is not None
    d2 = changes_ok(api, alice, room["id"], since=d["next_since"])
    assert [m["id"] for m in d2["messages"]] == order[100:] and d2["next_since"] is None
    assert d2["messages"][-1] == e
    assert [m["id"] for m in all_changes(api, alice, room["id"], 0, limit=7)] == order
    assert [m["id"] for m in all_changes(api, alice, room["id"], 0, limit=1)][:3] == order[:3]
    d = changes_ok(api, alice, room["id"], since=0, limit=500)
    assert [m["id"] for m in d["messages"]] == order and d["next_since"] is None
    d = changes_ok(api, alice, room["id"], since=0, limit=103)
    assert len(d["messages"]) == 103 and d["next_since"] is None
    d = changes_ok(api, alice, room["id"], since=0, limit=102)
    assert len(d["messages"]) == 102 and d["next_since"] is not None
    rest = changes_ok(api, alice, room["id"], since=d["next_since"])["messages"]
    assert [m["id"] for m in rest] == [ms[0]["id"]]


@pytest.mark.parametrize("params,field", [
    ({}, "since"), ({"limit": "10"}, "since"), ({"since": ""}, "since"), ({"since": "abc"}, "since"),
    ({"since": "-1"}, "since"), ({"since": "1.5"}, "since"), ({"since": "9007199254740992"}, "since"),
    ({"since": "99999999999999999999999"}, "since"),
    ({"since": "0", "limit": "0"}, "limit"), ({"since": "0", "limit": "501"}, "limit"),
    ({"since": "0", "limit": "-1"}, "limit"), ({"since": "0", "limit": "abc"}, "limit"),
    ({"since": "0", "limit": "1.5"}, "limit"), ({"since": "0", "limit": ""}, "limit"),
])
def test_changes_bad_query(api, alice, room, params, field):
    api.send_ok(alice, room["id"], "x")
    assert_error(changes(api, alice, room["id"], **params), 400, "bad_request", field)


def test_changes_permissions(api, alice, bob, carol):
    pub = room_with(api, alice, bob)
    priv = room_with(api, alice, bob, private=True)
    api.send_ok(alice, pub["id"], "x")
    api.send_ok(alice, priv["id"], "y")
    assert_error(changes(api, carol, pub["id"], since=0), 403, "forbidden")
    assert_error(changes(api, carol, priv["id"], since=0), 404, "not_found")
    assert_error(changes(api, carol, 987654321, since=0), 404, "not_found")
    assert_error(api.get(f"/api/rooms/{pub['id']}/changes", params={"since": 0}), 401, "unauthorized")
    assert len(changes_ok(api, bob, priv["id"], since=0)["messages"]) == 1


# --------------------------------------------------------------------------------------------
# history shows current state


def test_history_pages_show_current_state(api, alice, bob, room):
    ms = [api.send_ok(alice, room["id"], f"m{i}", meta={"i": i}) for i in range(5)]
    edit_ok(api, alice, room["id"], ms[1]["id"], "m1 v2")
    react_ok(api, bob, room["id"], ms[2]["id"], "👀")
    delete_ok(api, alice, room["id"], ms[3]["id"])
    reply_ok(api, bob, room["id"], "re m4", ms[4]["id"])
    unreact_ok(api, bob, room["id"], ms[2]["id"], "👀")
    react_ok(api, alice, room["id"], ms[2]["id"], "👍")
    current = {m["id"]: m for m in all_changes(api, alice, room["id"], 0)}
    hist = api.history(alice, room["id"])
    assert [m["id"] for m in hist] == sorted(current)
    for m in hist:
        assert m == current[m["id"]], (m, current[m["id"]])
    assert hist[1]["body"] == "m1 v2" and hist[1]["edited_at"]
    assert [(r["emoji"], r["users"]) for r in hist[2]["reactions"]] == [("👍", [alice.id])]
    check_tombstone(hist[3], ms[3])
    assert hist[4]["reply_count"] == 1
    after = api.page(alice, room["id"], after=ms[0]["id"], limit=3).json()
    assert after["messages"] == hist[1:4]
    before = api.page(alice, room["id"], before=ms[4]["id"], limit=2).json()
    assert before["messages"] == [hist[3], hist[2]]


# --------------------------------------------------------------------------------------------
# a client model across a reconnect and a restart


class Model:
    """What a client knows of a room: id -> latest Message, and its catch-up cursor."""

    def __init__(self):
        self.msgs = {}

    def apply(self, m):
        old = self.msgs.get(m["id"])
        if old is None or m.get("rev", m["id"]) >= old.get("rev", old["id"]):
            self.msgs[m["id"]] = m

    def apply_joined(self, j):
        assert j["missed_truncated"] is False and j["changed_truncated"] is False
        for m in j["missed"] + j["changed"]:
            self.apply(m)

    @property
    def cursor(self):
        return cursor_of(self.msgs.values())

    def ordered(self):
        return [self.msgs[i] for i in sorted(self.msgs)]


def test_catch_up_of_changes_across_a_reconnect(server, api, alice, bob, room):
    seed = [api.send_ok(alice, room["id"], f"seed {i}") for i in range(4)]
    model = Model()

    async def online():
        c = await ws_user(server, bob, name="bob, first connection")
        await c.join(room["id"])
        for m in api.history(bob, room["id"]):
            model.apply(m)
        e = edit_ok(api, alice, room["id"], seed[0]["id"], "seed 0, edited live")
        model.apply(body_of(await updated_for(c, seed[0]["id"], e["rev"])))
        live = api.send_ok(alice, room["id"], "live")
        model.apply(body_of(await c.recv_until("message", lambda f: f["id"] == live["id"])))
        await c.close()

    arun(online())
    assert model.cursor == max(live_id for live_id in model.msgs), "the live message is the latest position"
    # While bob is away.
    reply, new = offline_changes(api, alice, bob, room["id"], seed)
    edit_ok(api, alice, room["id"], seed[0]["id"], "seed 0, edited offline")

    async def back():
        c = await ws_user(server, bob, name="bob, reconnected")
        j = await c.join(room["id"], since=model.cursor)
        ids = [m["id"] for m in j["missed"]] + [m["id"] for m in j["changed"]]
        assert len(ids) == len(set(ids)), "a message both missed and changed"
        model.apply_joined(j)
        await c.close()

    arun(back())
    assert model.ordered() == api.history(bob, room["id"]), "the model caught up with every change"


def test_catch_up_of_changes_across_a_server_restart(server_factory, tmp_path):
    data_dir = tmp_path / "catchup-data"
    srv = server_factory([], data_dir=data_dir)
    api = srv.api
    alice, bob = api.register(), api.register()
    room = room_with(api, alice, bob)
    ms = [api.send_ok(alice, room["id"], f"m{i}") for i in range(5)]
    model = Model()

    async def first():
        c = await ws_user(srv, bob)
        await c.join(room["id"])
        for m in api.history(bob, room["id"]):
            model.apply(m)
        await c.close()

    arun(first())
    cursor = model.cursor
    e0 = edit_ok(api, alice, room["id"], ms[0]["id"], "m0 before restart")
    r1 = react_ok(api, bob, room["id"], ms[1]["id"], "🔥")
    srv.stop()
    srv.restart()
    api = srv.api
    # Stored changes survived, and new positions continue after the old ones.
    assert get_message(api, bob, room["id"], ms[0]["id"]) == e0
    d2 = edit_ok(api, alice, room["id"], ms[2]["id"], "m2 after restart")
    assert d2["rev"] > max(e0["rev"], r1["rev"])
    delete_ok(api, alice, room["id"], ms[3]["id"])
    e0b = edit_ok(api, alice, room["id"], ms[0]["id"], "m0 after restart")
    new = api.send_ok(bob, room["id"], "after restart")
    assert new["id"] > e0b["rev"]

    async def back():
        c = await ws_user(srv, bob)
        j = await c.join(room["id"], since=cursor)
        assert [m["id"] for m in j["changed"]] == [ms[1]["id"], ms[2]["id"], ms[3]["id"], ms[0]["id"]], \
            [(m["id"], m["rev"]) for m in j["changed"]]
        assert [m["id"] for m in j["missed"]] == [new["id"]]
        model.apply_joined(j)
        await c.close()

    arun(back())
    assert model.ordered() == api.history(bob, room["id"])
    walked = all_changes(api, bob, room["id"], cursor, limit=2)
    assert [m["id"] for m in walked] == [ms[1]["id"], ms[2]["id"], ms[3]["id"], ms[0]["id"], new["id"]]
