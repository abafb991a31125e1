"""The admin page's connected clients (GET /api/admin/connections, POST .../{id}/disconnect) and
the web app's health reports (POST /api/client-health), docs/api-extensions.md."""

import pytest
import requests

from parley_client import arun, assert_error, ws_connect, ws_user


def test_connected_clients_are_listed_paged_and_disconnected(server_factory):
    srv = server_factory([], register_admin=True)
    api, admin = srv.api, srv.admin
    alice, bob = api.register(), api.register()
    room = api.create_room(alice)
    api.join_room(bob, room["id"])

    async def scenario():
        a = await ws_user(srv, alice, name="a")
        await a.join(room["id"])
        b1 = await ws_user(srv, bob, name="b1")
        b2 = await ws_connect(srv, bob.access, how="frame", name="b2")
        pending = await ws_connect(srv, None, how="none", authed=False)  # not authenticated
        r = api.get("/api/admin/connections", admin.access)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total"] == 3 and body["next_after"] is None
        rows = body["connections"]
        assert [c["user"]["username"] for c in rows] == [alice.username, bob.username, bob.username]
        assert [c["id"] for c in rows] == sorted(c["id"] for c in rows)
        first = rows[0]
        assert first["user"]["id"] == alice.id and first["address"] == "127.0.0.1"
        assert first["rooms"] == [room["id"]] and first["outbound_bytes"] == 0
        assert first["since"].endswith("Z")
        # Paging by id: one at a time.
        seen, after = [], 0
        while True:
            page = api.get(f"/api/admin/connections?limit=1&after={after}", admin.access).json()
            seen += [c["id"] for c in page["connections"]]
            if page["next_after"] is None:
                break
            after = page["next_after"]
        assert seen == [c["id"] for c in rows]
        # Disconnect bob's first connection: it is closed with 4003, the others stay.
        r = api.post(f"/api/admin/connections/{rows[1]['id']}/disconnect", token=admin.access)
        assert r.status_code == 204, r.text
        assert await b1.closed_code(timeout=5) == 4003
        pong = await b2.request({"type": "ping"})
        assert pong["type"] == "pong"
        left = api.get("/api/admin/connections", admin.access).json()
        assert [c["id"] for c in left["connections"]] == [rows[0]["id"], rows[2]["id"]]
        assert_error(api.post(f"/api/admin/connections/{rows[1]['id']}/disconnect",
                              token=admin.access), 404, "not_found")
        for c in (a, b2, pending):
            await c.close()

    arun(scenario(), timeout=40)
    assert_error(api.get("/api/admin/connections", alice.access), 403, "forbidden")
    assert_error(api.get("/api/admin/connections"), 401, "unauthorized")
    assert_error(api.post("/api/admin/connections/1/disconnect", token=alice.access), 403, "forbidden")
    for bad in ("limit=0", "limit=201", "limit=x", "after=-1"):
        assert_error(api.get(f"/api/admin/connections?{bad}", admin.access), 400, "bad_request")
    assert_error(api.post("/api/admin/connections/abc/disconnect", token=admin.access), 404, "not_found")


def metric(srv, name: str) -> float:
    for line in requests.get(srv.url("/metrics"), timeout=5).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not exported")


def test_client_health_reports_are_counted_validated_and_rate_limited(server_factory):
    srv = server_factory([], register_admin=False)
    url = srv.url("/api/client-health")
    for body in ([], "x", {"page_loads": -1}, {"client_errors": 101}, {"ws_reconnects": 1.5},
                 {"page_loads": "1"}):
        r = requests.post(url, json=body, timeout=5)
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request", (body, r.text)
    assert metric(srv, "parley_web_page_loads_total") == 0   # refused reports count nothing
    for i in range(6):  # the per-address budget of a window
        r = requests.post(url, json={"page_loads": 1, "client_errors": i, "ws_reconnects": 1}, timeout=5)
        if r.status_code == 429:
            # A window boundary fell inside the loop: start again with a fresh window.
            pytest.skip("the rate-limit window turned during the test")
        assert r.status_code == 204, r.text
    r = requests.post(url, json={"page_loads": 1}, timeout=5)
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) >= 1
    assert metric(srv, "parley_web_page_loads_total") == 6
    assert metric(srv, "parley_web_client_errors_total") == 15
    assert metric(srv, "parley_web_ws_reconnects_total") == 6
    assert metric(srv, "parley_web_reports_refused_total") == 1
