"""v1.1 sessions: one per login/register (a refresh-token family), `sid` in access tokens, the list,
ending one (refresh, REST and every WebSocket way refused at once), logout everywhere."""

import pytest

from parley_client import (PASSWORD, TS_RE, arun, assert_error, unique, ws_user)
from v11_security_client import (WS_WAYS, assert_closed_4001, assert_open, auth_frame_refused,
                                 close_all, end_session, login_ok, new_user, refresh, sessions,
                                 session_ids, sid_of, upgrade_status, ws_all_ways, ws_open)


def sid(user) -> int:
    return int(sid_of(user.access))


def three_sessions(api):
    """A user with three sessions: registered (a), then logged in twice (b, c)."""
    a = new_user(api, user_agent="parley-tests/register")
    b = login_ok(api, a.username, user_agent="parley-tests/login-b")
    c = login_ok(api, a.username, user_agent="parley-tests/login-c")
    return a, b, c


def refused(api, user):
    """Both tokens of a user's (ended) session are refused, the access token on REST at once."""
    assert_error(api.get("/api/me", user.access), 401, "unauthorized")
    assert_error(api.get("/api/rooms", user.access), 401, "unauthorized")
    assert_error(refresh(api, user.refresh), 401, "unauthorized")


def works(api, user):
    r = api.get("/api/me", user.access)
    assert r.status_code == 200, f"{user}: access token refused: {r.status_code} {r.text}"
    assert r.json()["user"]["id"] == user.id


# -- sid and the list ---------------------------------------------------------------------------


def test_register_and_each_login_start_a_session_named_by_sid(api):
    a, b, c = three_sessions(api)
    sids = [sid_of(u.access) for u in (a, b, c)]
    for s in sids:
        assert isinstance(s, str) and s.isdigit() and not s.startswith("0"), f"sid {s!r}"
    assert len(set(sids)) == 3, f"each login must start its own session: {sids}"
    listed = sessions(api, c.access)
    assert len(listed) == 3, listed
    assert {s["id"] for s in listed} == {int(s) for s in sids}


def test_session_shape(api):
    a, b, c = three_sessions(api)
    agents = {sid(a): "parley-tests/register", sid(b): "parley-tests/login-b",
              sid(c): "parley-tests/login-c"}
    for s in sessions(api, a.access):
        assert set(s) >= {"id", "created_at", "last_used_at", "user_agent", "ip", "current"}, s
        assert isinstance(s["id"], int) and not isinstance(s["id"], bool) and 0 < s["id"] < 2 ** 53
        assert isinstance(s["created_at"], str) and TS_RE.match(s["created_at"]), s
        assert isinstance(s["last_used_at"], str) and TS_RE.match(s["last_used_at"]), s
        assert s["last_used_at"] >= s["created_at"], s
        assert s["user_agent"] == agents[s["id"]], s
        assert s["ip"] == "127.0.0.1", s
        assert isinstance(s["current"], bool), s


def test_current_is_true_only_for_the_callers_session(api):
    users = three_sessions(api)
    for u in users:
        listed = sessions(api, u.access)
        current = [s["id"] for s in listed if s["current"] is True]
        assert current == [sid(u)], f"{u}: current {current}, own sid {sid(u)}: {listed}"
        assert all(s["current"] is False for s in listed if s["id"] != sid(u)), listed


def test_refresh_stays_in_the_session(api):
    a, b, _ = three_sessions(api)
    before = {s["id"]: s for s in sessions(api, a.access)}
    r = refresh(api, b.refresh)
    assert r.status_code == 200, r.text
    new_access = r.json()["access_token"]
    assert sid_of(new_access) == sid_of(b.access), "a refresh rotates within the same session"
    after = {s["id"]: s for s in sessions(api, new_access)}
    assert set(after) == set(before), "a refresh starts no session"
    assert [i for i, s in after.items() if s["current"]] == [sid(b)]
    assert after[sid(b)]["created_at"] == before[sid(b)]["created_at"]
    assert after[sid(b)]["last_used_at"] >= before[sid(b)]["last_used_at"]


def test_sessions_of_other_users_are_not_listed(api, alice):
    a, b, c = three_sessions(api)
    mine = session_ids(api, alice.access)
    assert not mine & {sid(a), sid(b), sid(c)}
    assert sid_of(alice.access) and int(sid_of(alice.access)) in mine


def test_hostile_user_agent_is_plain_text(api):
    ua = 'evil "quote" \\ back <script>alert(1)</script> {"json":1} \' ; DROP TABLE sessions; --'
    u = new_user(api, user_agent=ua)
    (s,) = [s for s in sessions(api, u.access) if s["current"]]
    assert s["user_agent"] == ua
    long_ua = "L" * 3000
    v = login_ok(api, u.username, user_agent=long_ua)
    (s,) = [s for s in sessions(api, v.access) if s["current"]]
    assert isinstance(s["user_agent"], str) and s["user_agent"] and long_ua.startswith(s["user_agent"])


def test_session_ip_is_the_client_behind_a_trusted_proxy(server_factory):
    srv = server_factory(["--trusted-proxy", "127.0.0.0/8"])
    r = srv.api.post("/api/auth/register", {"username": unique(), "password": PASSWORD},
                     headers={"X-Forwarded-For": "203.0.113.9"})
    assert r.status_code == 201, r.text
    token = r.json()["access_token"]
    (s,) = sessions(srv.api, token)
    assert s["ip"] == "203.0.113.9", s


@pytest.mark.parametrize("auth", [None, "Bearer garbage", "Bearer a.b.c"])
def test_sessions_need_a_valid_token(api, auth):
    headers = {} if auth is None else {"Authorization": auth}
    assert_error(api.get("/api/me/sessions", headers=headers), 401, "unauthorized")


def test_refresh_token_is_not_an_access_token_for_sessions(api):
    u = new_user(api)
    assert_error(api.get("/api/me/sessions", u.refresh), 401, "unauthorized")


# -- ending one ----------------------------------------------------------------------------------


def test_end_a_session(api):
    a, b, c = three_sessions(api)
    r = end_session(api, a.access, sid(b))
    assert r.status_code == 204, r.text
    assert r.content == b""
    # At once: the very next request with its access token is refused.
    refused(api, b)
    assert session_ids(api, a.access) == {sid(a), sid(c)}
    for u in (a, c):
        works(api, u)
        r = refresh(api, u.refresh)
        assert r.status_code == 200, r.text


def test_ended_session_access_token_changes_nothing(api, alice):
    a, b, _ = three_sessions(api)
    room = api.create_room(alice)
    assert api.join_room(a, room["id"]).status_code == 200
    assert end_session(api, a.access, sid(b)).status_code == 204
    name = unique("room")
    assert_error(api.post("/api/rooms", {"name": name, "private": False}, token=b.access),
                 401, "unauthorized")
    assert_error(api.send(b, room["id"], "from a dead session"), 401, "unauthorized")
    assert_error(end_session(api, b.access, sid(a)), 401, "unauthorized")
    assert name not in [x["name"] for x in api.get("/api/rooms", a.access).json()["rooms"]]
    assert api.history(a, room["id"]) == []
    works(api, a)


def test_tokens_rotated_within_an_ended_session_are_refused(api):
    a, b, _ = three_sessions(api)
    r = refresh(api, b.refresh)
    assert r.status_code == 200, r.text
    rotated = r.json()
    assert end_session(api, a.access, sid(b)).status_code == 204
    for token in (b.access, rotated["access_token"]):
        assert_error(api.get("/api/me", token), 401, "unauthorized")
    for rt in (b.refresh, rotated["refresh_token"]):
        assert_error(refresh(api, rt), 401, "unauthorized")


def test_end_the_current_session(api):
    a, b, _ = three_sessions(api)
    r = end_session(api, b.access, sid(b))
    assert r.status_code == 204, r.text
    refused(api, b)
    assert sid(b) not in session_ids(api, a.access)


def test_ended_session_sockets_close_4001_every_way(server, api):
    a, b, _ = three_sessions(api)
    # An access token got by refreshing b is in b's session too.
    r = refresh(api, b.refresh)
    assert r.status_code == 200, r.text
    b_rotated = r.json()["access_token"]

    async def scenario():
        victims = await ws_all_ways(server, b.access, prefix="b-")
        victims["rotated"] = await ws_open(server, b_rotated, "frame", name="b-rotated")
        survivors = await ws_all_ways(server, a.access, prefix="a-")
        r = end_session(api, a.access, sid(b))
        assert r.status_code == 204, r.text
        await assert_closed_4001(victims)
        await assert_open(survivors)
        await close_all(survivors)

    arun(scenario())


def test_ended_session_token_refused_on_upgrade_and_auth_frame(server, api):
    a, b, _ = three_sessions(api)
    assert end_session(api, a.access, sid(b)).status_code == 204
    for how in ("query", "header", "subprotocol"):
        assert upgrade_status(server, b.access, how) == 401, how
    auth_frame_refused(server, b.access)


def test_end_session_twice(api):
    a, b, c = three_sessions(api)
    assert end_session(api, a.access, sid(b)).status_code == 204
    # Ambiguity: an ended session is unknown now (404), or ending it again is not an error (204).
    r = end_session(api, a.access, sid(b))
    if r.status_code != 204:
        assert_error(r, 404, "not_found")
    assert session_ids(api, a.access) == {sid(a), sid(c)}


def test_another_users_session_is_not_found(server, api, alice):
    a, b, _ = three_sessions(api)

    async def scenario():
        c = await ws_user(server, b, how="frame")
        assert_error(end_session(api, alice.access, sid(b)), 404, "not_found")
        # Nothing changed for the owner of that session.
        await assert_open([c])
        works(api, b)
        assert sid(b) in session_ids(api, a.access)
        await c.close()

    arun(scenario())
    r = refresh(api, b.refresh)
    assert r.status_code == 200, r.text


def test_unknown_session_is_not_found(api):
    a, b, c = three_sessions(api)
    for sid_ in (987654321, 2 ** 53 - 1):
        assert_error(end_session(api, a.access, sid_), 404, "not_found")
    assert session_ids(api, a.access) == {sid(a), sid(b), sid(c)}


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "1.5", "1e3", "99999999999999999999",
                                 "%20", "1%3B2", "0x10", "+1"])
def test_bad_session_id(api, bad):
    a, b, c = three_sessions(api)
    r = end_session(api, a.access, bad)
    # Ambiguity: not a valid id (400) or no such session (404); an error either way.
    if r.status_code == 400:
        assert_error(r, 400, "bad_request")
    else:
        assert_error(r, 404, "not_found")
    assert session_ids(api, a.access) == {sid(a), sid(b), sid(c)}
    for u in (a, b, c):
        works(api, u)


def test_end_session_needs_a_valid_token(api):
    a, b, _ = three_sessions(api)
    assert_error(api.delete(f"/api/me/sessions/{sid(b)}"), 401, "unauthorized")
    assert_error(api.delete(f"/api/me/sessions/{sid(b)}", "garbage"), 401, "unauthorized")
    assert_error(api.delete(f"/api/me/sessions/{sid(b)}", b.refresh), 401, "unauthorized")
    works(api, b)
    assert sid(b) in session_ids(api, a.access)


def test_login_after_ending_every_session_starts_a_new_one(api):
    a, b, _ = three_sessions(api)
    for s in sessions(api, a.access):
        if s["id"] != sid(a):
            assert end_session(api, a.access, s["id"]).status_code == 204
    assert end_session(api, a.access, sid(a)).status_code == 204
    refused(api, a)
    fresh = login_ok(api, a.username)
    assert sid(fresh) not in (sid(a), sid(b))
    assert session_ids(api, fresh.access) == {sid(fresh)}


# -- logout --------------------------------------------------------------------------------------


def logout(api, user, **extra):
    return api.post("/api/auth/logout", {"refresh_token": user.refresh, **extra}, token=user.access)


def test_logout_everywhere_ends_every_session(server, api, bob):
    a, b, c = three_sessions(api)
    r = refresh(api, c.refresh)
    assert r.status_code == 200, r.text
    c_rotated = r.json()

    async def scenario():
        victims = await ws_all_ways(server, a.access, prefix="a-")
        victims["b-frame"] = await ws_open(server, b.access, "frame", name="b-frame")
        victims["c-sub"] = await ws_open(server, c_rotated["access_token"], "subprotocol",
                                         name="c-subprotocol")
        other_user = await ws_user(server, bob, how="frame")
        r = logout(api, a, everywhere=True)
        assert r.status_code == 204, r.text
        assert r.content == b""
        await assert_closed_4001(victims)
        await assert_open([other_user])
        await other_user.close()

    arun(scenario())
    for u in (a, b):
        refused(api, u)
    assert_error(api.get("/api/me", c_rotated["access_token"]), 401, "unauthorized")
    assert_error(refresh(api, c_rotated["refresh_token"]), 401, "unauthorized")
    works(api, bob)
    # The account itself is fine: a new login starts a new, single session.
    fresh = login_ok(api, a.username)
    assert session_ids(api, fresh.access) == {sid(fresh)}


def test_plain_logout_ends_only_that_session(server, api):
    a, b, c = three_sessions(api)

    async def scenario():
        victims = {"b-" + how: await ws_open(server, b.access, how, name="b-" + how) for how in WS_WAYS}
        survivors = {"a-frame": await ws_open(server, a.access, "frame"),
                     "c-query": await ws_open(server, c.access, "query")}
        r = logout(api, b)
        assert r.status_code == 204, r.text
        await assert_closed_4001(victims)
        await assert_open(survivors)
        await close_all(survivors)

    arun(scenario())
    refused(api, b)
    assert session_ids(api, a.access) == {sid(a), sid(c)}
    for u in (a, c):
        works(api, u)
        assert refresh(api, u.refresh).status_code == 200


def test_logout_everywhere_false_is_a_plain_logout(api):
    a, b, _ = three_sessions(api)
    assert logout(api, b, everywhere=False).status_code == 204
    refused(api, b)
    works(api, a)
    assert sid(a) in session_ids(api, a.access)


@pytest.mark.parametrize("value", ["yes", 1, 0, [], {}])
def test_logout_everywhere_must_be_a_boolean(api, value):
    a, b, c = three_sessions(api)
    assert_error(logout(api, b, everywhere=value), 400, "bad_request", "everywhere")
    for u in (a, b, c):
        works(api, u)
    assert session_ids(api, a.access) == {sid(a), sid(b), sid(c)}
