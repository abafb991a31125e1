"""Cross-room attempts on every REST route and WebSocket frame that names a room: a stranger to a
private room gets 404 / not_found everywhere (its existence never leaks), a non-member of a public
room gets 403 for reading and writing, a message of one room can never be reached through
another room's URL, and nothing an attempt touches changes.

The REST table is checked against the server's route list (every `add_endpoint` in src/http), so
a new room route cannot be added without an entry here."""

import re
from pathlib import Path

import pytest

from parley_client import arun, ws_user

REPO = Path(__file__).resolve().parents[2]
ROOM_ROUTE = re.compile(r'add_endpoint\("([A-Z]+)",\s*"(/api/rooms/\{\}[^"]*)"')

# (method, route) -> (body, status for a stranger to a private room, status for a non-member of a
# public room). Placeholders: {room} the target room, {mid} a message of it, {emoji} a reaction.
TABLE = {
    ("GET", "/api/rooms/{}"): (None, 404, 200),
    ("DELETE", "/api/rooms/{}"): (None, 404, 403),
    ("POST", "/api/rooms/{}/join"): ({"access_code": "wrong"}, 403, None),  # public: anyone joins
    ("POST", "/api/rooms/{}/leave"): (None, 404, None),
    ("GET", "/api/rooms/{}/members"): (None, 404, None),
    ("POST", "/api/rooms/{}/members"): ({"username": "USER"}, 404, 403),
    ("GET", "/api/rooms/{}/messages"): (None, 404, 403),
    ("POST", "/api/rooms/{}/messages"): ({"body": "intruder"}, 404, 403),
    ("PATCH", "/api/rooms/{}/messages/{}"): ({"body": "rewritten"}, 404, 403),
    ("DELETE", "/api/rooms/{}/messages/{}"): (None, 404, 403),
    ("PUT", "/api/rooms/{}/messages/{}/reactions/{}"): (None, 404, 403),
    ("DELETE", "/api/rooms/{}/messages/{}/reactions/{}"): (None, 404, 403),
    ("GET", "/api/rooms/{}/messages/{}/replies"): (None, 404, 403),
    ("GET", "/api/rooms/{}/changes"): (None, 404, 403),
    ("POST", "/api/rooms/{}/read"): ({"up_to": "MID"}, 404, 403),
}


# Required query parameters, so that the refusal tested is the room's and not the query's.
QUERY = {("GET", "/api/rooms/{}/changes"): "?since=0"}


def server_room_routes():
    routes = set()
    for source in (REPO / "src" / "http").glob("*.cpp"):
        routes.update(ROOM_ROUTE.findall(source.read_text()))
    return routes


def test_every_room_route_is_in_the_table():
    routes = server_room_routes()
    assert routes, "no room routes found in src/http: has add_endpoint changed?"
    missing = sorted(routes - set(TABLE))
    assert not missing, f"room routes without a cross-room case: {missing}"
    stale = sorted(set(TABLE) - routes)
    assert not stale, f"cases for routes the server no longer has: {stale}"


def url_for(method, route, room, mid):
    parts = iter([str(room), str(mid), "%F0%9F%91%8D"])
    return re.sub(r"\{\}", lambda _: next(parts), route) + QUERY.get((method, route), "")


def call(api, method, url, token, body):
    if body is None:
        return api.req(method, url, token)
    return api.req(method, url, token, json_body=body)


def fill(body, mid, username):
    if body is None:
        return None
    out = {}
    for k, v in body.items():
        out[k] = mid if v == "MID" else username if v == "USER" else v
    return out


def snapshot(api, owner, room_id):
    msgs = api.get(f"/api/rooms/{room_id}/messages?limit=100", owner.access).json()["messages"]
    members = api.get(f"/api/rooms/{room_id}/members", owner.access).json()["members"]
    room = api.get(f"/api/rooms/{room_id}", owner.access).json()
    return ([(m["id"], m["body"], m.get("reactions"), m.get("deleted")) for m in msgs],
            sorted(m["id"] for m in members), room["name"])


@pytest.fixture
def rooms(api, alice):
    private = api.create_room(alice, private=True, access_code="sesame")
    public = api.create_room(alice)
    p_msg = api.send_ok(alice, private["id"], "private words")
    q_msg = api.send_ok(alice, public["id"], "public words")
    r = api.req("PUT", f"/api/rooms/{private['id']}/messages/{p_msg['id']}/reactions/%F0%9F%91%8D",
                alice.access)
    assert r.status_code == 200, r.text
    return private, public, p_msg, q_msg


@pytest.mark.parametrize("method,route", sorted(TABLE))
def test_stranger_to_a_private_room_gets_404_and_changes_nothing(api, alice, bob, carol, rooms,
                                                                  method, route):
    private, _, p_msg, _ = rooms
    body, expected, _ = TABLE[(method, route)]
    before = snapshot(api, alice, private["id"])
    r = call(api, method, url_for(method, route, private["id"], p_msg["id"]), bob.access,
             fill(body, p_msg["id"], carol.username))
    assert r.status_code == expected, f"{method} {route}: {r.status_code} {r.text}"
    if expected == 404:
        assert "private words" not in r.text and "sesame" not in r.text
    assert snapshot(api, alice, private["id"]) == before


@pytest.mark.parametrize("method,route", sorted(k for k, v in TABLE.items() if v[2] is not None))
def test_non_member_of_a_public_room_is_refused_and_changes_nothing(api, alice, bob, carol, rooms,
                                                                     method, route):
    _, public, _, q_msg = rooms
    body, _, expected = TABLE[(method, route)]
    before = snapshot(api, alice, public["id"])
    r = call(api, method, url_for(method, route, public["id"], q_msg["id"]), bob.access,
             fill(body, q_msg["id"], carol.username))
    assert r.status_code == expected, f"{method} {route}: {r.status_code} {r.text}"
    if method != "GET":
        assert snapshot(api, alice, public["id"]) == before


@pytest.mark.parametrize("method,route", sorted(k for k in TABLE if k[1].count("{}") >= 2))
def test_a_message_is_never_reached_through_another_rooms_url(api, alice, bob, rooms, method,
                                                             route):
    # Bob owns a room of his own; the message id belongs to Alice's private room.
    private, _, p_msg, _ = rooms
    own = api.create_room(bob)
    api.send_ok(bob, own["id"], "bob's own")
    before = snapshot(api, alice, private["id"])
    body, _, _ = TABLE[(method, route)]
    r = call(api, method, url_for(method, route, own["id"], p_msg["id"]), bob.access,
             fill(body, p_msg["id"], bob.username))
    assert r.status_code == 404, f"{method} {route}: {r.status_code} {r.text}"
    assert "private words" not in r.text
    assert snapshot(api, alice, private["id"]) == before


def test_every_frame_naming_a_private_room_is_not_found(server, api, alice, bob, rooms):
    private, _, p_msg, _ = rooms
    own = api.create_room(bob)
    room, mid = private["id"], p_msg["id"]
    frames = [
        {"type": "join", "room": room},
        {"type": "send", "room": room, "body": "intruder"},
        {"type": "edit", "room": room, "id": mid, "body": "rewritten"},
        {"type": "delete", "room": room, "id": mid},
        {"type": "react", "room": room, "id": mid, "emoji": "👍", "on": True},
        {"type": "react", "room": room, "id": mid, "emoji": "👍", "on": False},
        {"type": "read", "room": room, "up_to": mid},
        # The private room's message through Bob's own room.
        {"type": "edit", "room": own["id"], "id": mid, "body": "rewritten"},
        {"type": "delete", "room": own["id"], "id": mid},
        {"type": "react", "room": own["id"], "id": mid, "emoji": "👍", "on": True},
    ]
    before = snapshot(api, alice, room)

    async def scenario():
        ws = await ws_user(server, bob)
        await ws.join(own["id"])
        for frame in frames:
            reply = await ws.request(dict(frame))
            assert reply["type"] == "error" and reply["code"] == "not_found", (frame, reply)
            assert "private words" not in str(reply)
        # Typing has no reply: it must reach nobody in the private room.
        watcher = await ws_user(server, alice)
        await watcher.join(room)
        await ws.send({"type": "typing", "room": room})
        pong = await ws.request({"type": "ping"})
        assert pong["type"] == "pong"
        probe = await watcher.request({"type": "ping"})
        assert probe["type"] == "pong"
        assert not watcher.take("typing"), "a stranger's typing reached the private room"
        await watcher.close()
        await ws.close()

    arun(scenario())
    assert snapshot(api, alice, room) == before
