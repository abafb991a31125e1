"""v1.1 JWT checks, with tokens the tests sign themselves (the server runs with a known
`--jwt-secret`): `nbf` in the future and `iat` more than a minute ahead are refused, a little
clock skew is not; the algorithm stays pinned to HS256; `sid` must name a live session of the
token's own user. Each refusal is checked on REST and on every WebSocket way."""

import time

import pytest

from parley_client import arun, assert_error
from v11_security_client import (JWT_SECRET, SECRET_FLAGS, claims_of, end_session, forge_jwt,
                                 login_ok, new_user, resign, sessions, sid_of,
                                 token_accepted_everywhere, token_refused_everywhere, ws_open)

SERVER_FLAGS = SECRET_FLAGS


def now() -> int:
    return int(time.time())


def test_access_token_carries_sid_as_a_string(api):
    u = new_user(api)
    claims = claims_of(u.access)
    assert set(claims) >= {"sub", "name", "role", "iat", "exp", "sid"}, claims
    assert isinstance(claims["sid"], str) and claims["sid"].isdigit(), claims
    assert isinstance(claims["sub"], str) and claims["sub"] == str(u.id)
    current = [s for s in sessions(api, u.access) if s["current"]]
    assert [s["id"] for s in current] == [int(claims["sid"])]


def test_the_known_key_signs_tokens_the_server_accepts(server, api):
    # The baseline that makes the refusals below meaningful: re-signing an issued token's claims
    # with the key the server was started with gives a token that works everywhere.
    u = new_user(api)
    token_accepted_everywhere(server, resign(u.access))
    token_accepted_everywhere(server, resign(u.access, iat=now() - 300))


# -- nbf, iat ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ahead", [120, 3600])
def test_nbf_in_the_future_is_refused(server, api, ahead):
    u = new_user(api)
    token_refused_everywhere(server, resign(u.access, nbf=now() + ahead))


def test_nbf_a_few_seconds_ahead_is_refused(server, api):
    # Ambiguity: the contract says "nbf in the future" without the minute of grace given to iat.
    u = new_user(api)
    assert_error(api.get("/api/me", resign(u.access, nbf=now() + 15)), 401, "unauthorized")


@pytest.mark.parametrize("behind", [0, 1, 300])
def test_nbf_now_or_past_is_accepted(server, api, behind):
    u = new_user(api)
    t = resign(u.access, nbf=now() - behind)
    assert api.get("/api/me", t).status_code == 200


@pytest.mark.parametrize("ahead", [90, 120, 3600])
def test_iat_more_than_a_minute_ahead_is_refused(server, api, ahead):
    u = new_user(api)
    issued = now() + ahead
    token_refused_everywhere(server, resign(u.access, iat=issued, exp=issued + 900))


@pytest.mark.parametrize("ahead", [5, 30])
def test_iat_slightly_ahead_is_accepted(server, api, ahead):
    u = new_user(api)
    issued = now() + ahead
    token_accepted_everywhere(server, resign(u.access, iat=issued, exp=issued + 900))


@pytest.mark.parametrize("claim,value", [("nbf", "soon"), ("nbf", 1.5e300), ("iat", "now"),
                                         ("nbf", None), ("nbf", [1]), ("iat", None)])
def test_ill_typed_time_claims_are_refused(server, api, claim, value):
    u = new_user(api)
    assert_error(api.get("/api/me", resign(u.access, **{claim: value})), 401, "unauthorized")


def test_expired_is_still_refused(server, api):
    u = new_user(api)
    token_refused_everywhere(server, resign(u.access, iat=now() - 1000, exp=now() - 1))


# -- algorithm ----------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "HS512", "HS384"])
def test_other_algorithms_are_refused(server, api, alg):
    u = new_user(api)
    token_refused_everywhere(server, resign(u.access, alg=alg))


@pytest.mark.parametrize("header", [{"alg": "None", "typ": "JWT"}, {"alg": "NONE"},
                                    {"alg": "hs256", "typ": "JWT"}, {"typ": "JWT"}])
def test_unsigned_or_odd_headers_are_refused(server, api, header):
    u = new_user(api)
    claims = claims_of(u.access)
    unsigned = forge_jwt(claims, header=header, alg="none")
    assert_error(api.get("/api/me", unsigned), 401, "unauthorized")
    if header.get("alg", "").lower() == "hs256":
        signed = forge_jwt(claims, header=header, alg="HS256")
        assert_error(api.get("/api/me", signed), 401, "unauthorized")


def test_another_key_is_refused(server, api):
    u = new_user(api)
    token_refused_everywhere(server, resign(u.access, secret=JWT_SECRET + "x"))


# -- sid -----------------------------------------------------------------------------------------


def test_missing_sid_is_refused(server, api):
    # Ambiguity: a token without sid could be taken as a v1 token of no session; this file reads
    # "access tokens carry sid" as required, since such a token could never be revoked.
    u = new_user(api)
    token_refused_everywhere(server, resign(u.access, drop=("sid",)))


@pytest.mark.parametrize("bad", ["", "abc", "0", "-1", "987654321", "99999999999999999999",
                                 "1.0", " 1"])
def test_sid_of_no_session_is_refused(server, api, bad):
    u = new_user(api)
    assert_error(api.get("/api/me", resign(u.access, sid=bad)), 401, "unauthorized")


def test_sid_as_a_number_is_refused(server, api):
    # Ambiguity: the contract says sid is a string, like sub; a lenient server could take 12.
    u = new_user(api)
    assert_error(api.get("/api/me", resign(u.access, sid=int(sid_of(u.access)))), 401, "unauthorized")


def test_sid_of_another_users_session_is_refused(server, api):
    u, v = new_user(api), new_user(api)
    token_refused_everywhere(server, resign(u.access, sid=sid_of(v.access)))
    # And the converse: v's sub with u's session.
    token_refused_everywhere(server, resign(v.access, sid=sid_of(u.access)))
    # Both real tokens still work.
    assert api.get("/api/me", u.access).status_code == 200
    assert api.get("/api/me", v.access).status_code == 200


def test_sid_of_an_ended_session_is_refused(server, api):
    u = new_user(api)
    other = login_ok(api, u.username)
    assert end_session(api, u.access, int(sid_of(other.access))).status_code == 204
    # The issued token of that session, and fresh tokens forged for it, are refused.
    token_refused_everywhere(server, other.access)
    token_refused_everywhere(server, resign(u.access, sid=sid_of(other.access)))
    token_refused_everywhere(server, resign(other.access, iat=now(), exp=now() + 900))
    # The live session's own token still works, also re-signed.
    token_accepted_everywhere(server, resign(u.access))


def test_sid_of_another_live_session_of_the_same_user_acts_as_that_session(server, api):
    # A token naming another live session of its own user is that session's token: ending that
    # session refuses it at once, REST and WebSocket.
    u = new_user(api)
    other = login_ok(api, u.username)
    forged = resign(u.access, sid=sid_of(other.access))
    assert api.get("/api/me", forged).status_code == 200
    listed = sessions(api, forged)
    assert [s["id"] for s in listed if s["current"]] == [int(sid_of(other.access))]

    async def scenario():
        c = await ws_open(server, forged, "subprotocol")
        assert end_session(api, u.access, int(sid_of(other.access))).status_code == 204
        code = await c.closed_code(5)
        assert code == 4001, code

    arun(scenario())
    assert_error(api.get("/api/me", forged), 401, "unauthorized")
