"""Additions to the v1.1 account-security contract (docs/api-extensions.md): whether two-factor is
on (GET /api/me/totp), the admin's list of users (GET /api/admin/users), and the choices made
where the contract is silent (self-deactivation, a reused refresh token ending its session)."""

import pytest

from parley_client import arun, assert_error, check_user_shape
from v11_security_client import (confirm_totp, deactivate, disable_totp, login_ok, new_user,
                                 refresh, sessions, start_totp, steady_step, totp_at_step,
                                 ws_open)


def totp_enabled(api, token) -> bool:
    r = api.get("/api/me/totp", token)
    assert r.status_code == 200, r.text
    assert isinstance(r.json()["enabled"], bool), r.text
    return r.json()["enabled"]


def test_totp_status_follows_enrolment(api):
    u = new_user(api)
    assert totp_enabled(api, u.access) is False
    secret = start_totp(api, u.access)["secret"]
    assert totp_enabled(api, u.access) is False  # pending is not on
    step = steady_step(min_left_s=6)
    assert confirm_totp(api, u.access, totp_at_step(secret, step)).status_code == 200
    assert totp_enabled(api, u.access) is True
    assert disable_totp(api, u.access, totp_at_step(secret, step + 1)).status_code == 204
    assert totp_enabled(api, u.access) is False


def test_totp_status_needs_a_token(api):
    for token in (None, "a.b.c"):
        assert_error(api.get("/api/me/totp", token), 401, "unauthorized")


def users_page(api, admin, **params):
    r = api.get("/api/admin/users", admin.access, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"users", "next_after"}, body
    for u in body["users"]:
        check_user_shape(u)
    return body


def test_admin_lists_users_in_pages(api, admin):
    made = [new_user(api) for _ in range(3)]
    assert deactivate(api, admin, made[1].id).status_code == 200
    seen, after, pages = [], None, 0
    while True:
        params = {"limit": 2} if after is None else {"limit": 2, "after": after}
        body = users_page(api, admin, **params)
        assert len(body["users"]) <= 2
        seen += body["users"]
        pages += 1
        if body["next_after"] is None:
            break
        assert body["next_after"] == body["users"][-1]["id"]
        after = body["next_after"]
    ids = [u["id"] for u in seen]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {m.id for m in made} <= set(ids)
    assert admin.id in ids
    by_id = {u["id"]: u for u in seen}
    assert by_id[made[1].id]["deactivated"] is True
    assert "deactivated" not in by_id[made[0].id]
    assert pages >= 2
    # The default page holds them all here (50).
    assert [u["id"] for u in users_page(api, admin)["users"]][: len(ids)] == ids[:50]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"limit": "x"}, {"after": -1},
                                    {"after": "abc"}, {"limit": "1.5"}])
def test_admin_user_list_bad_parameters(api, admin, params):
    assert_error(api.get("/api/admin/users", admin.access, params=params), 400, "bad_request")


def test_admin_user_list_is_for_admins(api, alice):
    assert_error(api.get("/api/admin/users", alice.access), 403, "forbidden")
    assert_error(api.get("/api/admin/users"), 401, "unauthorized")


def test_an_admin_cannot_deactivate_themselves(api, admin):
    assert_error(deactivate(api, admin, admin.id), 409, "conflict")
    assert api.get("/api/me", admin.access).status_code == 200


def test_a_reused_refresh_token_ends_its_session(server, api):
    u = new_user(api)
    other = login_ok(api, u.username)
    r = refresh(api, u.refresh)
    assert r.status_code == 200, r.text
    rotated = r.json()

    async def scenario():
        c = await ws_open(server, rotated["access_token"], "subprotocol")
        # The old token again: someone holds a copy, so the session ends, sockets included.
        assert_error(refresh(api, u.refresh), 401, "unauthorized")
        assert await c.closed_code(5) == 4001

    arun(scenario())
    assert_error(api.get("/api/me", rotated["access_token"]), 401, "unauthorized")
    assert_error(refresh(api, rotated["refresh_token"]), 401, "unauthorized")
    assert len(sessions(api, other.access)) == 1  # the other session lives on
