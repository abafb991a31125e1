"""Rooms: create, list, get, join (access codes), leave, members, delete, DMs."""

import uuid

import pytest

from parley_client import (arun, assert_error, assert_json, check_room_shape, unique, ws_user)


def test_create_room_shape(api, alice):
    name = unique("Room")
    r = api.post("/api/rooms", {"name": name, "private": False}, token=alice.access)
    assert r.status_code == 201, r.text
    room = assert_json(r)
    check_room_shape(room)
    assert room["name"] == name and room["private"] is False
    assert room["owner_id"] == alice.id and room["member_count"] == 1 and room["joined"] is True


def test_create_room_private_defaults_to_false(api, alice):
    r = api.post("/api/rooms", {"name": unique("r")}, token=alice.access)
    assert r.status_code == 201, r.text
    assert r.json()["private"] is False


def test_create_room_requires_auth(api):
    assert_error(api.post("/api/rooms", {"name": unique("r"), "private": False}), 401, "unauthorized")


@pytest.mark.parametrize("body,field", [
    ({"name": "", "private": False}, "name"),
    ({"name": "n" * 101, "private": False}, "name"),
    ({"private": False}, "name"),
    ({"name": 5, "private": False}, "name"),
    ({"name": "ok-name-x", "private": "yes"}, "private"),
    ({"name": "ok-name-y", "private": True, "access_code": 1234}, "access_code"),
])
def test_create_room_validation(api, alice, body, field):
    assert_error(api.post("/api/rooms", body, token=alice.access), 400, "bad_request", field)


def test_create_room_name_bounds_in_code_points(api, alice):
    r = api.post("/api/rooms", {"name": "é" * 84 + uuid.uuid4().hex[:16], "private": False}, token=alice.access)
    assert r.status_code == 201, r.text
    r = api.post("/api/rooms", {"name": "é" * 101, "private": False}, token=alice.access)
    assert_error(r, 400, "bad_request", "name")


def test_room_name_unique_case_insensitive(api, alice, bob):
    name = unique("Lobby")
    api.create_room(alice, name)
    for variant in (name, name.upper(), name.lower()):
        r = api.post("/api/rooms", {"name": variant, "private": False}, token=bob.access)
        assert_error(r, 409, "conflict")
    # Private rooms share the namespace too.
    r = api.post("/api/rooms", {"name": name.swapcase(), "private": True}, token=bob.access)
    assert_error(r, 409, "conflict")


@pytest.mark.parametrize("lower,upper", [("café", "CAFÉ"), ("привет", "ПРИВЕТ"), ("ωμέγα", "ΩΜΈΓΑ")])
def test_room_name_unique_case_insensitive_beyond_ascii(api, alice, bob, lower, upper):
    """Room names are any Unicode; "case-insensitively" cannot stop at ASCII."""
    tag = uuid.uuid4().hex[:8]
    api.create_room(alice, f"{lower}-{tag}")
    r = api.post("/api/rooms", {"name": f"{upper}-{tag}", "private": False}, token=bob.access)
    assert_error(r, 409, "conflict")


def test_list_rooms_shows_public_and_own_private_only(api, alice, bob):
    pub = api.create_room(alice)
    priv = api.create_room(alice, private=True)
    bob_priv = api.create_room(bob, private=True)
    r = api.get("/api/rooms", alice.access)
    assert r.status_code == 200
    rooms = {x["id"]: x for x in assert_json(r)["rooms"]}
    for x in rooms.values():
        check_room_shape(x)
    assert pub["id"] in rooms and priv["id"] in rooms
    assert bob_priv["id"] not in rooms
    assert rooms[pub["id"]]["joined"] is True
    bob_rooms = {x["id"]: x for x in api.get("/api/rooms", bob.access).json()["rooms"]}
    assert pub["id"] in bob_rooms and bob_rooms[pub["id"]]["joined"] is False
    assert priv["id"] not in bob_rooms and bob_priv["id"] in bob_rooms
    assert_error(api.get("/api/rooms"), 401, "unauthorized")


def test_get_room(api, alice, bob):
    pub = api.create_room(alice)
    priv = api.create_room(alice, private=True)
    r = api.get(f"/api/rooms/{pub['id']}", bob.access)
    assert r.status_code == 200
    got = assert_json(r)
    check_room_shape(got)
    assert got["id"] == pub["id"] and got["joined"] is False and got["member_count"] == 1
    assert api.get(f"/api/rooms/{priv['id']}", alice.access).json()["joined"] is True
    # A private room the caller is not in does not exist for them; same answer as a missing room.
    e1 = assert_error(api.get(f"/api/rooms/{priv['id']}", bob.access), 404, "not_found")
    e2 = assert_error(api.get("/api/rooms/999999999", bob.access), 404, "not_found")
    assert e1["message"].replace(str(priv["id"]), "N") == e2["message"].replace("999999999", "N")
    assert_error(api.get(f"/api/rooms/{pub['id']}"), 401, "unauthorized")


def test_join_public_room(api, alice, bob):
    pub = api.create_room(alice)
    r = api.join_room(bob, pub["id"])
    assert r.status_code == 200, r.text
    room = assert_json(r)
    check_room_shape(room)
    assert room["joined"] is True and room["member_count"] == 2
    # Joining again is harmless.
    r = api.join_room(bob, pub["id"])
    assert r.status_code == 200 and r.json()["member_count"] == 2


def test_join_private_room_with_access_code(api, alice, bob):
    priv = api.create_room(alice, private=True, access_code="sesame-123")
    assert_error(api.join_room(bob, priv["id"], "wrong-code"), 403, "forbidden")
    assert_error(api.join_room(bob, priv["id"]), 403, "forbidden")
    r = api.join_room(bob, priv["id"], "sesame-123")
    assert r.status_code == 200, r.text
    assert r.json()["joined"] is True and r.json()["member_count"] == 2
    assert api.get(f"/api/rooms/{priv['id']}", bob.access).status_code == 200
    # The access code is never echoed back.
    assert "sesame-123" not in r.text


def test_join_private_room_without_code_is_refused(api, alice, bob):
    priv = api.create_room(alice, private=True)
    r = api.join_room(bob, priv["id"])
    assert r.status_code in (403, 404), r.text
    assert api.get(f"/api/rooms/{priv['id']}", bob.access).status_code == 404


def test_join_missing_room(api, bob):
    assert_error(api.join_room(bob, 987654321), 404, "not_found")


def test_leave_room(api, alice, bob):
    pub = api.create_room(alice)
    assert api.join_room(bob, pub["id"]).status_code == 200
    r = api.post(f"/api/rooms/{pub['id']}/leave", token=bob.access)
    assert r.status_code == 204, r.text
    got = api.get(f"/api/rooms/{pub['id']}", bob.access).json()
    assert got["joined"] is False and got["member_count"] == 1
    assert_error(api.page(bob, pub["id"]), 403, "forbidden")


def test_members(api, alice, bob, carol):
    pub = api.create_room(alice)
    api.join_room(bob, pub["id"])
    r = api.get(f"/api/rooms/{pub['id']}/members", alice.access)
    assert r.status_code == 200, r.text
    members = {m["id"]: m for m in assert_json(r)["members"]}
    assert set(members) == {alice.id, bob.id}
    assert members[alice.id]["role"] == "owner" and members[bob.id]["role"] == "member"
    assert members[bob.id]["username"] == bob.username
    assert all(isinstance(m["online"], bool) for m in members.values())
    priv = api.create_room(alice, private=True)
    assert_error(api.get(f"/api/rooms/{priv['id']}/members", carol.access), 404, "not_found")


def test_member_online_flag_follows_websocket(server, api, alice, bob):
    pub = api.create_room(alice)
    api.join_room(bob, pub["id"])

    async def scenario():
        c = await ws_user(server, bob)
        await c.join(pub["id"])
        members = {m["id"]: m for m in api.get(f"/api/rooms/{pub['id']}/members", alice.access).json()["members"]}
        assert members[bob.id]["online"] is True
        await c.close()

    arun(scenario())


def test_owner_adds_member_to_private_room(api, alice, bob, carol):
    priv = api.create_room(alice, private=True)
    r = api.post(f"/api/rooms/{priv['id']}/members", {"username": bob.username}, token=alice.access)
    assert r.status_code == 201, r.text
    got = api.get(f"/api/rooms/{priv['id']}", bob.access)
    assert got.status_code == 200 and got.json()["joined"] is True
    assert priv["id"] in {x["id"] for x in api.get("/api/rooms", bob.access).json()["rooms"]}
    # A member who is not the owner may not add people.
    r = api.post(f"/api/rooms/{priv['id']}/members", {"username": carol.username}, token=bob.access)
    assert_error(r, 403, "forbidden")
    # A stranger does not learn the room exists.
    r = api.post(f"/api/rooms/{priv['id']}/members", {"username": carol.username}, token=carol.access)
    assert r.status_code in (403, 404)
    assert api.get(f"/api/rooms/{priv['id']}", carol.access).status_code == 404


def test_add_member_errors(api, alice):
    priv = api.create_room(alice, private=True)
    assert_error(api.post(f"/api/rooms/{priv['id']}/members", {"username": unique("ghost")}, token=alice.access),
                 404, "not_found")
    assert_error(api.post(f"/api/rooms/{priv['id']}/members", {}, token=alice.access), 400, "bad_request",
                 "username")


def test_delete_room(server, api, alice, bob):
    pub = api.create_room(alice)
    api.join_room(bob, pub["id"])

    async def scenario():
        c = await ws_user(server, bob)
        await c.join(pub["id"])
        assert_error(api.delete(f"/api/rooms/{pub['id']}", bob.access), 403, "forbidden")
        r = api.delete(f"/api/rooms/{pub['id']}", alice.access)
        assert r.status_code == 204, r.text
        f = await c.recv_until("room_deleted", timeout=5)
        assert f["room"] == pub["id"]
        # Sending to it now fails; the connection stays usable.
        reply = await c.send_msg(pub["id"], "after delete")
        assert reply["type"] == "error" and reply["code"] in ("not_found", "forbidden"), reply
        assert (await c.request({"type": "ping"}))["type"] == "pong"
        await c.close()

    arun(scenario())
    assert_error(api.get(f"/api/rooms/{pub['id']}", alice.access), 404, "not_found")
    assert pub["id"] not in {x["id"] for x in api.get("/api/rooms", alice.access).json()["rooms"]}
    assert_error(api.page(alice, pub["id"]), 404, "not_found")


def test_delete_private_room_by_stranger_is_not_found(api, alice, carol):
    priv = api.create_room(alice, private=True)
    assert_error(api.delete(f"/api/rooms/{priv['id']}", carol.access), 404, "not_found")
    assert api.get(f"/api/rooms/{priv['id']}", alice.access).status_code == 200


def test_dm_room(api, alice, bob, carol):
    r = api.post("/api/dms", {"username": bob.username}, token=alice.access)
    assert r.status_code == 200, r.text
    dm = assert_json(r)
    check_room_shape(dm)
    assert dm["private"] is True and dm["joined"] is True and dm["member_count"] == 2
    again = api.post("/api/dms", {"username": bob.username}, token=alice.access)
    assert again.status_code == 200 and again.json()["id"] == dm["id"]
    other_side = api.post("/api/dms", {"username": alice.username}, token=bob.access)
    assert other_side.status_code == 200 and other_side.json()["id"] == dm["id"]
    assert_error(api.get(f"/api/rooms/{dm['id']}", carol.access), 404, "not_found")
    members = {m["id"] for m in api.get(f"/api/rooms/{dm['id']}/members", bob.access).json()["members"]}
    assert members == {alice.id, bob.id}


def test_dm_errors(api, alice):
    assert_error(api.post("/api/dms", {"username": unique("ghost")}, token=alice.access), 404, "not_found")
    assert_error(api.post("/api/dms", {}, token=alice.access), 400, "bad_request", "username")
    assert_error(api.post("/api/dms", {"username": "whoever"}), 401, "unauthorized")
