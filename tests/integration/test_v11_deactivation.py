"""v1.1 deactivation: admins only; the user's sessions end (refresh, REST, every WebSocket way),
login answers 401 until reactivation; `User` carries `deactivated: true` meanwhile."""

import subprocess

import pytest

from parley_client import (PASSWORD, arun, assert_error, binary_path, check_user_shape, extra_flags,
                           unique, ws_user)
from v11_security_client import (assert_closed_4001, assert_open, auth_frame_refused, deactivate,
                                 enable_totp, login, login_ok, new_user, reactivate, refresh,
                                 steady_step, totp_at_step, upgrade_status, ws_all_ways, ws_open)


def test_deactivate_shape(api, admin):
    u = new_user(api)
    r = deactivate(api, admin, u.id)
    assert r.status_code == 200, r.text
    user = r.json()["user"]
    check_user_shape(user)
    assert user["id"] == u.id and user["username"] == u.username and user["role"] == "user"
    assert user["deactivated"] is True


def test_deactivation_ends_every_session(server, api, admin, bob):
    u = new_user(api)
    second = login_ok(api, u.username)
    r = refresh(api, second.refresh)
    assert r.status_code == 200, r.text
    rotated = r.json()

    async def scenario():
        victims = await ws_all_ways(server, u.access, prefix="first-")
        victims["second-frame"] = await ws_open(server, rotated["access_token"], "frame")
        victims["second-sub"] = await ws_open(server, second.access, "subprotocol")
        bystander = await ws_user(server, bob, how="frame")
        r = deactivate(api, admin, u.id)
        assert r.status_code == 200, r.text
        await assert_closed_4001(victims)
        await assert_open([bystander])
        await bystander.close()

    arun(scenario())
    for token in (u.access, second.access, rotated["access_token"]):
        assert_error(api.get("/api/me", token), 401, "unauthorized")
        assert_error(api.get("/api/rooms", token), 401, "unauthorized")
    for rt in (u.refresh, rotated["refresh_token"]):
        assert_error(refresh(api, rt), 401, "unauthorized")
    assert api.get("/api/me", bob.access).status_code == 200


def test_deactivated_tokens_refused_on_the_websocket(server, api, admin):
    u = new_user(api)
    assert deactivate(api, admin, u.id).status_code == 200
    for how in ("query", "header", "subprotocol"):
        assert upgrade_status(server, u.access, how) == 401, how
    auth_frame_refused(server, u.access)


def test_deactivated_tokens_change_nothing(api, admin, alice):
    u = new_user(api)
    room = api.create_room(alice)
    assert api.join_room(u, room["id"]).status_code == 200
    assert deactivate(api, admin, u.id).status_code == 200
    assert_error(api.send(u, room["id"], "still here?"), 401, "unauthorized")
    name = unique("room")
    assert_error(api.post("/api/rooms", {"name": name, "private": False}, token=u.access),
                 401, "unauthorized")
    assert api.history(alice, room["id"]) == []
    assert name not in [r["name"] for r in api.get("/api/rooms", alice.access).json()["rooms"]]


def test_login_refused_until_reactivated(api, admin):
    u = new_user(api)
    assert deactivate(api, admin, u.id).status_code == 200
    assert_error(login(api, u.username), 401, "unauthorized")
    assert_error(login(api, u.username, "wrong-password!"), 401, "unauthorized")
    r = reactivate(api, admin, u.id)
    assert r.status_code == 200, r.text
    user = r.json()["user"]
    check_user_shape(user)
    assert user["id"] == u.id
    assert user.get("deactivated", False) is False, user
    fresh = login_ok(api, u.username)
    me = api.get("/api/me", fresh.access)
    assert me.status_code == 200, me.text
    assert me.json()["user"].get("deactivated", False) is False
    # Sessions ended by the deactivation stay ended.
    assert_error(api.get("/api/me", u.access), 401, "unauthorized")
    assert_error(refresh(api, u.refresh), 401, "unauthorized")


def test_deactivated_username_stays_taken(api, admin):
    u = new_user(api)
    assert deactivate(api, admin, u.id).status_code == 200
    r = api.post("/api/auth/register", {"username": u.username.upper(), "password": PASSWORD})
    assert_error(r, 409, "conflict")


def test_deactivate_twice_and_reactivate_twice(api, admin):
    # Ambiguity: "again is not an error" is this file's reading for both.
    u = new_user(api)
    for _ in range(2):
        r = deactivate(api, admin, u.id)
        assert r.status_code == 200, r.text
        assert r.json()["user"]["deactivated"] is True
    assert_error(login(api, u.username), 401, "unauthorized")
    for _ in range(2):
        r = reactivate(api, admin, u.id)
        assert r.status_code == 200, r.text
        assert r.json()["user"].get("deactivated", False) is False
    assert login(api, u.username).status_code == 200


def test_reactivate_an_active_user(api, admin):
    u = new_user(api)
    r = reactivate(api, admin, u.id)
    assert r.status_code == 200, r.text
    assert r.json()["user"].get("deactivated", False) is False
    # Nothing ended by it.
    assert api.get("/api/me", u.access).status_code == 200
    assert refresh(api, u.refresh).status_code == 200


@pytest.mark.parametrize("action", ["deactivate", "reactivate"])
def test_non_admin_is_forbidden(server, api, admin, alice, action):
    u = new_user(api)
    if action == "reactivate":
        assert deactivate(api, admin, u.id).status_code == 200

    # An ordinary user, and (for deactivate) the target itself.
    callers = [alice, u] if action == "deactivate" else [alice]

    async def scenario():
        c = await ws_user(server, u, how="frame") if action == "deactivate" else None
        for caller in callers:
            r = api.post(f"/api/admin/users/{u.id}/{action}", token=caller.access)
            assert_error(r, 403, "forbidden")
        if c is not None:
            await assert_open([c])
            await c.close()

    arun(scenario())
    if action == "deactivate":
        assert api.get("/api/me", u.access).status_code == 200
        assert login(api, u.username).status_code == 200
    else:
        assert_error(login(api, u.username), 401, "unauthorized")


@pytest.mark.parametrize("action", ["deactivate", "reactivate"])
def test_needs_a_valid_token(api, action):
    u = new_user(api)
    for token in (None, "a.b.c", u.refresh):
        assert_error(api.post(f"/api/admin/users/{u.id}/{action}", token=token), 401, "unauthorized")
    assert login(api, u.username).status_code == 200


def route_is_served(api, admin):
    """The routes exist (so that the 404s below are about the user, not the route)."""
    u = new_user(api)
    assert deactivate(api, admin, u.id).status_code == 200
    assert reactivate(api, admin, u.id).status_code == 200


@pytest.mark.parametrize("action", ["deactivate", "reactivate"])
def test_unknown_user_is_not_found(api, admin, action):
    route_is_served(api, admin)
    for uid in (987654321, 2 ** 53 - 1):
        assert_error(api.post(f"/api/admin/users/{uid}/{action}", token=admin.access), 404, "not_found")


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "1.5", "99999999999999999999", "%20", "1e3"])
@pytest.mark.parametrize("action", ["deactivate", "reactivate"])
def test_bad_user_id(api, admin, alice, action, bad):
    route_is_served(api, admin)
    r = api.post(f"/api/admin/users/{bad}/{action}", token=admin.access)
    # Ambiguity, as for every path id: 400 (not an id) or 404 (no such user).
    if r.status_code == 400:
        assert_error(r, 400, "bad_request")
    else:
        assert_error(r, 404, "not_found")
    assert api.get("/api/me", alice.access).status_code == 200
    assert api.get("/api/me", admin.access).status_code == 200


def test_an_admin_can_deactivate_another_admin(server_factory, tmp_path):
    data_dir = tmp_path / "two-admins"
    srv = server_factory([], data_dir=data_dir)
    root, other = srv.admin, srv.api.register()
    srv.stop()
    r = subprocess.run([str(binary_path()), "users", "set-role", other.username, "admin",
                        "--data-dir", str(data_dir), *extra_flags(data_dir)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    srv = server_factory([], data_dir=data_dir, register_admin=False)
    api = srv.api
    root = login_ok(api, root.username)
    other = login_ok(api, other.username)
    assert other.role == "admin"
    victim = new_user(api)
    r = deactivate(api, root, other.id)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["role"] == "admin" and r.json()["user"]["deactivated"] is True
    # A deactivated admin's token cannot act any more.
    assert_error(deactivate(api, other, victim.id), 401, "unauthorized")
    assert_error(api.get("/api/admin/stats", other.access), 401, "unauthorized")
    assert login(api, victim.username).status_code == 200


def test_deactivated_user_with_two_factor_is_refused_even_with_a_code(api, admin):
    steady_step(min_left_s=6)
    u = new_user(api)
    secret, codes, step = enable_totp(api, u)
    assert deactivate(api, admin, u.id).status_code == 200
    assert_error(login(api, u.username, PASSWORD, totp_at_step(secret, step + 1)), 401, "unauthorized")
    assert_error(login(api, u.username, PASSWORD, codes[0]), 401, "unauthorized")
    assert_error(login(api, u.username), 401, "unauthorized")
