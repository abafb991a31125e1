"""v1.1 password change: 204, every other session ends (tokens 401, sockets 4001) while the
caller's goes on, a wrong `current` is 401 and counts toward login throttling, the new password
follows the registration rules."""

import pytest

from parley_client import PASSWORD, arun, assert_error
from v11_security_client import (WS_WAYS, assert_closed_4001, assert_open, auth_frame_refused,
                                 change_password, close_all, end_session, login, login_ok,
                                 new_user, refresh, session_ids, sid_of, upgrade_status, ws_open)

NEW_PASSWORD = "a-brand-new-passphrase"


def sid(user) -> int:
    return int(sid_of(user.access))


def three_sessions(api):
    a = new_user(api)
    return a, login_ok(api, a.username), login_ok(api, a.username)


def password_is(api, username, password):
    """`password` logs in, and the other of PASSWORD / NEW_PASSWORD does not (read back)."""
    r = login(api, username, password)
    assert r.status_code == 200, f"login with {password!r}: {r.status_code} {r.text}"
    other = NEW_PASSWORD if password == PASSWORD else PASSWORD
    assert_error(login(api, username, other), 401, "unauthorized")


def test_change_password(api):
    u = new_user(api)
    r = change_password(api, u.access, PASSWORD, NEW_PASSWORD)
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert_error(login(api, u.username, PASSWORD), 401, "unauthorized")
    fresh = login_ok(api, u.username, NEW_PASSWORD)
    assert fresh.id == u.id


def test_change_ends_other_sessions_but_not_the_callers(server, api):
    a, b, c = three_sessions(api)

    async def scenario():
        others = {f"b-{how}": await ws_open(server, b.access, how, name=f"b-{how}") for how in WS_WAYS}
        others["c-frame"] = await ws_open(server, c.access, "frame", name="c-frame")
        mine = {f"a-{how}": await ws_open(server, a.access, how, name=f"a-{how}") for how in WS_WAYS}
        r = change_password(api, a.access, PASSWORD, NEW_PASSWORD)
        assert r.status_code == 204, r.text
        await assert_closed_4001(others)
        await assert_open(mine)
        await close_all(mine)

    arun(scenario())
    for u in (b, c):
        assert_error(api.get("/api/me", u.access), 401, "unauthorized")
        assert_error(refresh(api, u.refresh), 401, "unauthorized")
    # The caller's session continues: its access token, its refresh token, the same sid.
    assert api.get("/api/me", a.access).status_code == 200
    assert session_ids(api, a.access) == {sid(a)}
    r = refresh(api, a.refresh)
    assert r.status_code == 200, r.text
    assert sid_of(r.json()["access_token"]) == sid_of(a.access)


def test_other_sessions_tokens_refused_on_the_websocket_after_a_change(server, api):
    a, b, _ = three_sessions(api)
    assert change_password(api, a.access, PASSWORD, NEW_PASSWORD).status_code == 204
    for how in ("query", "header", "subprotocol"):
        assert upgrade_status(server, b.access, how) == 401, how
    auth_frame_refused(server, b.access)


def test_change_does_not_touch_other_users(api, bob):
    a = new_user(api)
    assert change_password(api, a.access, PASSWORD, NEW_PASSWORD).status_code == 204
    assert api.get("/api/me", bob.access).status_code == 200
    assert login(api, bob.username).status_code == 200


def test_wrong_current_is_401_and_changes_nothing(server, api):
    a, b, _ = three_sessions(api)

    async def scenario():
        other = await ws_open(server, b.access, "frame", name="b")
        r = change_password(api, a.access, "not-the-password", NEW_PASSWORD)
        assert_error(r, 401, "unauthorized")
        await assert_open([other])
        await other.close()

    arun(scenario())
    password_is(api, a.username, PASSWORD)
    for u in (a, b):
        assert api.get("/api/me", u.access).status_code == 200
    assert refresh(api, b.refresh).status_code == 200


def test_wrong_current_counts_toward_login_throttling(server_factory):
    srv = server_factory(["--login-max-failures-user", "3"])
    api = srv.api
    victim, bystander = new_user(api), new_user(api)
    for _ in range(3):
        assert_error(change_password(api, victim.access, "not-the-password", NEW_PASSWORD),
                     401, "unauthorized")
    r = login(api, victim.username, "wrong-password!")
    assert_error(r, 429, "rate_limited")
    ra = r.headers.get("Retry-After")
    assert ra is not None and ra.isdigit() and int(ra) > 0, f"Retry-After {ra!r}"
    # Per username: another account is not locked out with it.
    assert login(api, bystander.username).status_code == 200


def test_wrong_logins_and_wrong_currents_add_up(server_factory):
    srv = server_factory(["--login-max-failures-user", "3"])
    api = srv.api
    victim = new_user(api)
    for _ in range(2):
        assert_error(login(api, victim.username, "wrong-password!"), 401, "unauthorized")
    assert_error(change_password(api, victim.access, "not-the-password", NEW_PASSWORD),
                 401, "unauthorized")
    # Throttled now, on the password check of either route (ambiguity: the change route could
    # keep answering 401 while login answers 429).
    r = change_password(api, victim.access, "not-the-password", NEW_PASSWORD)
    assert_error(r, 429, "rate_limited")
    assert (r.headers.get("Retry-After") or "").isdigit()
    r = login(api, victim.username, "wrong-password!")
    assert_error(r, 429, "rate_limited")
    assert (r.headers.get("Retry-After") or "").isdigit()
    # Throttled attempts changed nothing.
    assert api.get("/api/me", victim.access).status_code == 200


@pytest.mark.parametrize("new", ["short77", "p" * 129, "é" * 129, ""])
def test_new_password_follows_registration_rules(api, new):
    u = new_user(api)
    assert_error(change_password(api, u.access, PASSWORD, new), 400, "bad_request", "new")
    password_is(api, u.username, PASSWORD)


@pytest.mark.parametrize("new", ["12345678", "é" * 128, "😀" * 128, "p" * 128])
def test_new_password_bounds_are_accepted(api, new):
    u = new_user(api)
    r = change_password(api, u.access, PASSWORD, new)
    assert r.status_code == 204, r.text
    assert login(api, u.username, new).status_code == 200
    assert_error(login(api, u.username, PASSWORD), 401, "unauthorized")


@pytest.mark.parametrize("body,field", [
    ({"new": NEW_PASSWORD}, "current"),
    ({"current": PASSWORD}, "new"),
    ({"current": 12345678, "new": NEW_PASSWORD}, "current"),
    ({"current": PASSWORD, "new": 123456789}, "new"),
    ({"current": None, "new": NEW_PASSWORD}, "current"),
    ({"current": PASSWORD, "new": None}, "new"),
    ({"current": [PASSWORD], "new": NEW_PASSWORD}, "current"),
    ({"current": PASSWORD, "new": {"x": NEW_PASSWORD}}, "new"),
])
def test_missing_or_ill_typed_fields(api, body, field):
    u = new_user(api)
    r = api.post("/api/me/password", body, token=u.access)
    assert_error(r, 400, "bad_request", field)
    password_is(api, u.username, PASSWORD)


@pytest.mark.parametrize("raw", [b"", b"not json", b"[]", b'"x"', b'{"current":"a"',
                                 b"\xff\xfe{}"])
def test_malformed_body(api, raw):
    u = new_user(api)
    r = api.req("POST", "/api/me/password", u.access, data=raw,
                headers={"Content-Type": "application/json"})
    assert_error(r, 400, "bad_request")
    password_is(api, u.username, PASSWORD)


@pytest.mark.parametrize("auth", [None, "garbage", "refresh"])
def test_change_needs_a_valid_access_token(api, auth):
    u = new_user(api)
    token = {None: None, "garbage": "a.b.c", "refresh": u.refresh}[auth]
    assert_error(change_password(api, token, PASSWORD, NEW_PASSWORD), 401, "unauthorized")
    password_is(api, u.username, PASSWORD)


def test_ended_session_cannot_change_the_password(api):
    a, b, _ = three_sessions(api)
    assert end_session(api, a.access, sid(b)).status_code == 204
    assert_error(change_password(api, b.access, PASSWORD, NEW_PASSWORD), 401, "unauthorized")
    password_is(api, a.username, PASSWORD)
    assert api.get("/api/me", a.access).status_code == 200


def test_change_twice_in_a_row(api):
    u = new_user(api)
    assert change_password(api, u.access, PASSWORD, NEW_PASSWORD).status_code == 204
    # The caller's session goes on, so it can change again, now from the new password.
    assert_error(change_password(api, u.access, PASSWORD, "third-password-x"), 401, "unauthorized")
    assert change_password(api, u.access, NEW_PASSWORD, "third-password-x").status_code == 204
    assert login(api, u.username, "third-password-x").status_code == 200
    for old in (PASSWORD, NEW_PASSWORD):
        assert_error(login(api, u.username, old), 401, "unauthorized")
