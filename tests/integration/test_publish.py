"""Publish API (POST /api/publish), server-side events, the admin role endpoint and
`parley publish`: backends push live notifications to rooms, users, lists of users and roles."""

import subprocess

import pytest

from parley_client import arun, assert_error, binary_path, ws_user

KEY = "k-backend-0123456789"
OLD_KEY = "k-old-0123456789"
SERVER_FLAGS = ["--api-key", f"backend={KEY}", "--api-key", f"old={OLD_KEY}"]


def publish(api, body, key=KEY, raw=None):
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    if raw is not None:
        return api.req("POST", "/api/publish", data=raw, headers={**headers, "Content-Type": "application/json"})
    return api.req("POST", "/api/publish", json_body=body, headers=headers)


def delivered(r):
    assert r.status_code == 202, r.text
    return r.json()["delivered"]


async def expect_notification(ws, event, timeout=5):
    f = await ws.recv_until("notification", timeout=timeout)
    assert f["event"] == event, f
    assert isinstance(f["ts"], str) and f["ts"].endswith("Z")
    return f


def test_user_target_reaches_every_connection_of_the_user(server, api, alice, bob):
    async def scenario():
        a1 = await ws_user(server, alice)
        a2 = await ws_user(server, alice, how="header")
        b = await ws_user(server, bob)
        # A ping round trip proves each connection is registered before publishing.
        for c in (a1, a2, b):
            await c.request({"type": "ping"})
        n = delivered(publish(api, {"user": alice.id, "event": "task.updated", "data": {"task": 7}}))
        assert n == 2
        for c in (a1, a2):
            f = await expect_notification(c, "task.updated")
            assert f["data"] == {"task": 7}
        await b.request({"type": "ping"})
        assert not b.take("notification")
        for c in (a1, a2, b):
            await c.close()

    arun(scenario())


def test_user_without_connections_gets_zero_and_no_error(api, carol):
    assert delivered(publish(api, {"user": carol.id, "event": "x", "data": {}})) == 0
    assert delivered(publish(api, {"user": 9_000_000, "event": "x", "data": {}})) == 0


def test_users_list_target(server, api, alice, bob, carol):
    async def scenario():
        a = await ws_user(server, alice)
        b = await ws_user(server, bob)
        c = await ws_user(server, carol)
        for w in (a, b, c):
            await w.request({"type": "ping"})
        n = delivered(publish(api, {"users": [alice.id, bob.id, alice.id], "event": "order.shipped",
                                    "data": {"order": 1}}))
        assert n == 2
        await expect_notification(a, "order.shipped")
        await expect_notification(b, "order.shipped")
        await c.request({"type": "ping"})
        assert not c.take("notification")
        for w in (a, b, c):
            await w.close()

    arun(scenario())


def test_room_target_reaches_subscribed_connections(server, api, alice, bob, carol):
    room = api.create_room(alice)
    api.join_room(bob, room["id"])

    async def scenario():
        a = await ws_user(server, alice)
        b = await ws_user(server, bob)
        c = await ws_user(server, carol)  # connected, not subscribed
        await a.join(room["id"])
        await b.join(room["id"])
        await c.request({"type": "ping"})
        n = delivered(publish(api, {"room": room["id"], "event": "room.announcement",
                                    "data": {"text": "hi"}}))
        assert n == 2
        await expect_notification(a, "room.announcement")
        await expect_notification(b, "room.announcement")
        await c.request({"type": "ping"})
        assert not c.take("notification")
        for w in (a, b, c):
            await w.close()

    arun(scenario())
    assert delivered(publish(api, {"room": 8_000_000, "event": "x", "data": {}})) == 0


def test_role_target(server, api, admin, alice):
    async def scenario():
        ad = await ws_user(server, admin)
        us = await ws_user(server, alice)
        await ad.request({"type": "ping"})
        await us.request({"type": "ping"})
        n = delivered(publish(api, {"role": "admin", "event": "ops.alert", "data": {"level": "high"}}))
        assert n >= 1
        await expect_notification(ad, "ops.alert")
        await us.request({"type": "ping"})
        assert not us.take("notification")
        n = delivered(publish(api, {"role": "user", "event": "ops.notice", "data": {}}))
        assert n >= 1
        await expect_notification(us, "ops.notice")
        await ad.close()
        await us.close()

    arun(scenario())


def test_keys_rotate_and_admin_token_works(api, admin, alice):
    body = {"user": alice.id, "event": "x", "data": {}}
    assert publish(api, body, key=KEY).status_code == 202
    assert publish(api, body, key=OLD_KEY).status_code == 202
    assert publish(api, body, key=admin.access).status_code == 202
    assert_error(publish(api, body, key=alice.access), 403, "forbidden")
    assert_error(publish(api, body, key="wrong-key"), 401, "unauthorized")
    assert_error(publish(api, body, key=KEY + "x"), 401, "unauthorized")
    assert_error(publish(api, body, key=None), 401, "unauthorized")


@pytest.mark.parametrize("body,field", [
    ({"event": "x", "data": {}}, None),                                   # no target
    ({"user": 1, "room": 1, "event": "x", "data": {}}, None),             # two targets
    ({"user": 1, "data": {}}, "event"),
    ({"user": 1, "event": "", "data": {}}, "event"),
    ({"user": 1, "event": "a" * 101, "data": {}}, "event"),
    ({"user": 1, "event": "bad name", "data": {}}, "event"),
    ({"user": 1, "event": "évent", "data": {}}, "event"),
    ({"user": 1, "event": 5, "data": {}}, "event"),
    ({"user": 1, "event": "x", "data": [1]}, "data"),
    ({"user": 1, "event": "x", "data": "text"}, "data"),
    ({"user": 1, "event": "x", "data": {"big": "x" * (64 * 1024)}}, "data"),
    ({"user": "1", "event": "x", "data": {}}, "user"),
    ({"user": 0, "event": "x", "data": {}}, "user"),
    ({"user": -4, "event": "x", "data": {}}, "user"),
    ({"user": 2 ** 53, "event": "x", "data": {}}, "user"),
    ({"room": 1.5, "event": "x", "data": {}}, "room"),
    ({"users": [], "event": "x", "data": {}}, "users"),
    ({"users": list(range(1, 1002)), "event": "x", "data": {}}, "users"),
    ({"users": [1, "2"], "event": "x", "data": {}}, "users"),
    ({"users": 3, "event": "x", "data": {}}, "users"),
    ({"role": "root", "event": "x", "data": {}}, "role"),
    ({"role": 1, "event": "x", "data": {}}, "role"),
])
def test_invalid_publish_bodies(api, body, field):
    assert_error(publish(api, body), 400, "bad_request", field)


def test_valid_edges_are_accepted(api, alice):
    assert publish(api, {"user": alice.id, "event": "a" * 100, "data": {}}).status_code == 202
    assert publish(api, {"user": alice.id, "event": "A-z_0.9:x", "data": {}}).status_code == 202
    assert publish(api, {"users": list(range(1, 1001)), "event": "x", "data": {}}).status_code == 202
    assert publish(api, {"user": alice.id, "event": "x"}).status_code == 202  # data defaults to {}


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1]", b'{"user": 1, "event": "x", "data": {}',
                                 b'{"user":1,"event":"x","data":{"n":1' + b"0" * 400 + b"}}"])
def test_malformed_publish_bodies(api, raw):
    assert_error(publish(api, None, raw=raw), 400, "bad_request")


def test_member_added_notification(server, api, alice, bob):
    room = api.create_room(alice, private=True)

    async def scenario():
        b = await ws_user(server, bob)
        await b.request({"type": "ping"})
        r = api.post(f"/api/rooms/{room['id']}/members", {"username": bob.username}, token=alice.access)
        assert r.status_code == 201, r.text
        f = await expect_notification(b, "room.member_added")
        assert f["data"]["room"]["id"] == room["id"]
        await b.close()

    arun(scenario())


def test_room_deleted_reaches_members(server, api, alice, bob):
    room = api.create_room(alice)
    api.join_room(bob, room["id"])

    async def scenario():
        b = await ws_user(server, bob)
        await b.join(room["id"])
        assert api.delete(f"/api/rooms/{room['id']}", token=alice.access).status_code == 204
        f = await b.recv_until("room_deleted", timeout=5)
        assert f["room"] == room["id"]
        await b.close()

    arun(scenario())


def test_admin_changes_a_role_and_the_user_is_told(server, api, admin, alice, carol):
    async def scenario():
        c = await ws_user(server, carol)
        await c.request({"type": "ping"})
        r = api.req("PUT", f"/api/admin/users/{carol.id}/role", admin.access, json_body={"role": "admin"})
        assert r.status_code == 200, r.text
        assert r.json()["user"]["role"] == "admin"
        f = await expect_notification(c, "user.role_changed")
        assert f["data"]["role"] == "admin"
        r = api.req("PUT", f"/api/admin/users/{carol.id}/role", admin.access, json_body={"role": "user"})
        assert r.json()["user"]["role"] == "user"
        await c.close()

    arun(scenario())
    assert_error(api.req("PUT", f"/api/admin/users/{carol.id}/role", alice.access,
                         json_body={"role": "admin"}), 403, "forbidden")
    assert_error(api.req("PUT", f"/api/admin/users/{carol.id}/role", None,
                         json_body={"role": "admin"}), 401, "unauthorized")
    assert_error(api.req("PUT", f"/api/admin/users/{carol.id}/role", admin.access,
                         json_body={"role": "root"}), 400, "bad_request", "role")
    assert_error(api.req("PUT", "/api/admin/users/99999999/role", admin.access,
                         json_body={"role": "user"}), 404, "not_found")
    me = api.get("/api/me", token=alice.access).json()["user"]
    assert me["role"] == "user"


def test_publish_command_line(server, api, alice):
    async def scenario():
        a = await ws_user(server, alice)
        await a.request({"type": "ping"})
        out = subprocess.run([str(binary_path()), "publish", "--url", server.base, "--key", KEY,
                              "--user", str(alice.id), "--event", "cli.test", "--data", '{"n": 1}'],
                             capture_output=True, text=True, timeout=20)
        assert out.returncode == 0, out.stderr
        assert '"delivered":1' in out.stdout.replace(" ", "")
        f = await expect_notification(a, "cli.test")
        assert f["data"] == {"n": 1}
        bad = subprocess.run([str(binary_path()), "publish", "--url", server.base, "--key", "nope",
                              "--user", str(alice.id), "--event", "x"], capture_output=True, text=True,
                             timeout=20)
        assert bad.returncode != 0
        await a.close()

    arun(scenario())
