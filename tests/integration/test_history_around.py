"""GET /api/rooms/{id}/messages?around=<id>&limit=<n> (a documented addition, for opening a search
result in its place): the message and its neighbours newest first, half older and half newer, the
other side filling in at either end of the room, with next_before and next_after cursors that page
on exactly like history."""

import pytest

from parley_client import assert_error


@pytest.fixture(scope="module")
def history(_module_server, users):
    api, alice = _module_server.api, users[0]
    room = api.create_room(alice)
    ids = [api.send_ok(alice, room["id"], f"m{i}")["id"] for i in range(30)]
    return api, alice, room["id"], ids


def around(api, user, room, mid, limit=None):
    q = f"?around={mid}" + (f"&limit={limit}" if limit else "")
    r = api.get(f"/api/rooms/{room}/messages{q}", user.access)
    assert r.status_code == 200, r.text
    return r.json()


def test_middle_of_the_room(history):
    api, alice, room, ids = history
    page = around(api, alice, room, ids[15], 5)
    assert [m["id"] for m in page["messages"]] == [ids[17], ids[16], ids[15], ids[14], ids[13]]
    assert page["next_before"] == ids[13] and page["next_after"] == ids[17]
    # The cursors page on like history.
    older = api.get(f"/api/rooms/{room}/messages?before={page['next_before']}&limit=2",
                    alice.access).json()
    assert [m["id"] for m in older["messages"]] == [ids[12], ids[11]]
    newer = api.get(f"/api/rooms/{room}/messages?after={page['next_after']}&limit=2",
                    alice.access).json()
    assert [m["id"] for m in newer["messages"]] == [ids[18], ids[19]]


def test_ends_of_the_room_fill_from_the_other_side(history):
    api, alice, room, ids = history
    first = around(api, alice, room, ids[0], 4)
    assert [m["id"] for m in first["messages"]] == [ids[3], ids[2], ids[1], ids[0]]
    assert first["next_before"] is None and first["next_after"] == ids[3]
    last = around(api, alice, room, ids[29], 4)
    assert [m["id"] for m in last["messages"]] == [ids[29], ids[28], ids[27], ids[26]]
    assert last["next_before"] == ids[26] and last["next_after"] is None
    whole = around(api, alice, room, ids[10], 100)
    assert len(whole["messages"]) == 30
    assert whole["next_before"] is None and whole["next_after"] is None
    one = around(api, alice, room, ids[10], 1)
    assert [m["id"] for m in one["messages"]] == [ids[10]]


def test_default_limit_and_bad_input(history, bob):
    api, alice, room, ids = history
    assert len(around(api, alice, room, ids[15])["messages"]) == 30  # default 50: the whole room
    base = f"/api/rooms/{room}/messages"
    for q in ["?around=0", "?around=-3", "?around=abc", f"?around={ids[1]}&before={ids[5]}",
              f"?around={ids[1]}&after={ids[0]}", f"?around={ids[1]}&limit=0",
              f"?around={ids[1]}&limit=101"]:
        assert_error(api.get(base + q, alice.access), 400, "bad_request")
    assert_error(api.get(base + "?around=999999999", alice.access), 404, "not_found")
    # A message of another room is not found through this one.
    other = api.create_room(alice)
    foreign = api.send_ok(alice, other["id"], "elsewhere")["id"]
    assert_error(api.get(base + f"?around={foreign}", alice.access), 404, "not_found")
    # Members only, as for history.
    assert_error(api.get(base + f"?around={ids[3]}", bob.access), 403, "forbidden")
