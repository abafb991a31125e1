"""Membership and role changes made over REST apply to live WebSocket connections at once."""

from parley_client import arun, ws_user

KEY = "k-live-membership-0123"
SERVER_FLAGS = ["--api-key", f"backend={KEY}"]


def test_leaving_over_rest_stops_live_delivery(server, api, alice, bob):
    room = api.create_room(alice, private=True, access_code="sesame-1")
    assert api.join_room(bob, room["id"], access_code="sesame-1").status_code == 200

    async def scenario():
        b = await ws_user(server, bob)
        await b.join(room["id"])
        api.send_ok(alice, room["id"], "before leaving")
        assert (await b.recv_until("message", timeout=5))["body"] == "before leaving"
        assert api.post(f"/api/rooms/{room['id']}/leave", token=bob.access).status_code == 204
        # A ping round trip after the leave was applied orders what follows.
        await b.request({"type": "ping"})
        api.send_ok(alice, room["id"], "after leaving")
        api.send_ok(alice, room["id"], "after leaving 2")
        # A marker on a room bob is still in proves the room's messages had time to arrive.
        other = api.create_room(alice)
        api.join_room(bob, other["id"])
        await b.join(other["id"])
        api.send_ok(alice, other["id"], "marker")
        marker = await b.recv_until("message", lambda f: f["body"] == "marker", timeout=5)
        assert marker["room"] == other["id"]
        assert not [f for f in b.take("message") if f["room"] == room["id"]]
        # And it cannot rejoin a private room it left.
        r = await b.request({"type": "join", "room": room["id"]})
        assert r["type"] == "error" and r["code"] == "not_found", r
        await b.close()

    arun(scenario())


def test_role_change_applies_to_role_targeting(server, api, admin, carol):
    async def scenario():
        c = await ws_user(server, carol)
        await c.request({"type": "ping"})
        r = api.req("PUT", f"/api/admin/users/{carol.id}/role", admin.access, json_body={"role": "admin"})
        assert r.status_code == 200
        await c.recv_until("notification", lambda f: f["event"] == "user.role_changed", timeout=5)
        r = api.req("POST", "/api/publish", json_body={"role": "admin", "event": "ops.page", "data": {}},
                    headers={"Authorization": f"Bearer {KEY}"})
        assert r.status_code == 202 and r.json()["delivered"] >= 1
        await c.recv_until("notification", lambda f: f["event"] == "ops.page", timeout=5)
        api.req("PUT", f"/api/admin/users/{carol.id}/role", admin.access, json_body={"role": "user"})
        await c.close()

    arun(scenario())
