"""Accounts and tokens: register, login, refresh rotation, logout, /api/me, JWT claims, errors."""

import subprocess
import time

import pytest

from parley_client import (PASSWORD, assert_error, assert_json, check_user_shape, jwt_parts, unique,
                           wait_for)


def test_first_user_is_admin_and_later_ones_are_users(server, api):
    assert server.admin.role == "admin"
    u = api.register()
    assert u.role == "user"


def test_register_shape(api):
    name = unique()
    r = api.post("/api/auth/register", {"username": name, "password": PASSWORD})
    assert r.status_code == 201, r.text
    body = assert_json(r)
    assert set(body) >= {"user", "access_token", "refresh_token", "expires_in"}
    check_user_shape(body["user"])
    assert body["user"]["username"] == name
    assert body["expires_in"] == 900  # the default access token lifetime, in seconds
    assert isinstance(body["access_token"], str) and isinstance(body["refresh_token"], str)
    assert body["access_token"] != body["refresh_token"]


def test_access_token_is_hs256_jwt_with_claims(api):
    u = api.register()
    header, claims = jwt_parts(u.access)
    assert header.get("alg") == "HS256"
    assert claims["sub"] == str(u.id)
    assert claims["name"] == u.username
    assert claims["role"] == "user"
    assert isinstance(claims["iat"], int) and isinstance(claims["exp"], int)
    assert 0 < claims["exp"] - claims["iat"] <= 900
    assert abs(claims["iat"] - time.time()) < 120


@pytest.mark.parametrize("username", ["ab", "x" * 33, "has space", "bad!char", "émile", "", "a/b"])
def test_register_rejects_bad_username(api, username):
    r = api.post("/api/auth/register", {"username": username, "password": PASSWORD})
    assert_error(r, 400, "bad_request", "username")


def test_register_accepts_username_bounds(api):
    for name in (unique("x")[:3], ("A.b-_" + unique("z"))[:32]):
        r = api.post("/api/auth/register", {"username": name, "password": PASSWORD})
        assert r.status_code == 201, (name, r.text)


@pytest.mark.parametrize("password", ["short77", "p" * 129])
def test_register_rejects_bad_password(api, password):
    r = api.post("/api/auth/register", {"username": unique(), "password": password})
    assert_error(r, 400, "bad_request", "password")


def test_register_accepts_password_bounds(api):
    for pw in ("12345678", "é" * 128):
        name = unique()
        r = api.post("/api/auth/register", {"username": name, "password": pw})
        assert r.status_code == 201, r.text
        assert api.login(name, pw).status_code == 200


@pytest.mark.parametrize("body,field", [
    ({"password": PASSWORD}, "username"),
    ({"username": "someone_x"}, "password"),
    ({"username": 12345, "password": PASSWORD}, "username"),
    ({"username": "someone_y", "password": 12345678}, "password"),
])
def test_register_missing_or_ill_typed_field(api, body, field):
    assert_error(api.post("/api/auth/register", body), 400, "bad_request", field)


def test_register_duplicate_username_case_insensitive(api):
    name = unique("Dup")
    api.register(name)
    for variant in (name, name.upper(), name.lower()):
        r = api.post("/api/auth/register", {"username": variant, "password": PASSWORD})
        assert_error(r, 409, "conflict")


def test_login_ok_and_same_shape(api):
    u = api.register()
    r = api.login(u.username)
    assert r.status_code == 200, r.text
    body = assert_json(r)
    assert set(body) >= {"user", "access_token", "refresh_token", "expires_in"}
    assert body["user"]["id"] == u.id and body["user"]["username"] == u.username
    check_user_shape(body["user"])


def test_login_case_insensitive_username(api):
    u = api.register(unique("Case"))
    r = api.login(u.username.upper())
    assert r.status_code == 200, r.text
    assert r.json()["user"]["id"] == u.id


def test_login_wrong_password_and_unknown_user_look_the_same(api):
    u = api.register()
    wrong = api.login(u.username, "not-the-password")
    unknown = api.login(unique("nobody"), "not-the-password")
    e1 = assert_error(wrong, 401, "unauthorized")
    e2 = assert_error(unknown, 401, "unauthorized")
    assert e1["message"] == e2["message"]


def test_login_bad_body(api):
    assert_error(api.post("/api/auth/login", {"username": "abc"}), 400, "bad_request", "password")


def test_me(api):
    u = api.register()
    r = api.get("/api/me", u.access)
    assert r.status_code == 200, r.text
    me = assert_json(r)["user"]
    check_user_shape(me)
    assert me["id"] == u.id and me["username"] == u.username and me["role"] == "user"


@pytest.mark.parametrize("auth", [None, "Bearer", "Bearer garbage", "Bearer a.b.c", "Basic dXNlcjpwdw=="])
def test_me_requires_valid_token(api, auth):
    headers = {} if auth is None else {"Authorization": auth}
    assert_error(api.get("/api/me", headers=headers), 401, "unauthorized")


def test_tampered_and_unsigned_tokens_are_refused(api):
    import base64, json
    u = api.register()
    h, p, s = u.access.split(".")
    claims = jwt_parts(u.access)[1]
    claims["role"] = "admin"
    forged_p = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert_error(api.get("/api/me", f"{h}.{forged_p}.{s}"), 401, "unauthorized")
    none_h = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    assert_error(api.get("/api/me", f"{none_h}.{p}."), 401, "unauthorized")
    assert_error(api.get("/api/me", f"{h}.{p}.{'A' * len(s)}"), 401, "unauthorized")
    # The refresh token is not an access token.
    assert_error(api.get("/api/me", u.refresh), 401, "unauthorized")


def test_refresh_rotates_and_old_token_stops_working(api):
    u = api.register()
    r = api.post("/api/auth/refresh", {"refresh_token": u.refresh})
    assert r.status_code == 200, r.text
    body = assert_json(r)
    assert set(body) >= {"access_token", "refresh_token"}
    assert body["refresh_token"] != u.refresh
    assert api.get("/api/me", body["access_token"]).status_code == 200
    # The new refresh token works once.
    r2 = api.post("/api/auth/refresh", {"refresh_token": body["refresh_token"]})
    assert r2.status_code == 200, r2.text


def test_reusing_rotated_refresh_token_revokes_family(api):
    u = api.register()
    r1 = api.post("/api/auth/refresh", {"refresh_token": u.refresh})
    assert r1.status_code == 200, r1.text
    newest = r1.json()["refresh_token"]
    # Reuse of the rotated token: 401 and the whole family is revoked.
    assert_error(api.post("/api/auth/refresh", {"refresh_token": u.refresh}), 401, "unauthorized")
    assert_error(api.post("/api/auth/refresh", {"refresh_token": newest}), 401, "unauthorized")
    # Another session of the same user (another family) is unaffected.
    other = api.login(u.username).json()["refresh_token"]
    assert api.post("/api/auth/refresh", {"refresh_token": other}).status_code == 200


@pytest.mark.parametrize("body,code,status", [
    ({"refresh_token": "garbage"}, "unauthorized", 401),
    ({}, "bad_request", 400),
    ({"refresh_token": 7}, "bad_request", 400),
])
def test_refresh_errors(api, body, code, status):
    assert_error(api.post("/api/auth/refresh", body), status, code)


def test_logout(api):
    u = api.register()
    r = api.post("/api/auth/logout", {"refresh_token": u.refresh}, token=u.access)
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert_error(api.post("/api/auth/refresh", {"refresh_token": u.refresh}), 401, "unauthorized")


def test_login_failures_give_429_with_retry_after(server_factory):
    srv = server_factory(["--login-max-failures-user", "3"])
    api = srv.api
    victim, bystander = api.register(), api.register()
    for _ in range(3):
        assert_error(api.login(victim.username, "wrong-password!"), 401, "unauthorized")
    r = api.login(victim.username, "wrong-password!")
    assert_error(r, 429, "rate_limited")
    ra = r.headers.get("Retry-After")
    assert ra is not None and ra.isdigit() and int(ra) > 0, f"Retry-After {ra!r}"
    # The limit is per username: another account still logs in.
    assert api.login(bystander.username).status_code == 200


def test_login_failures_per_address(server_factory):
    srv = server_factory(["--login-max-failures-ip", "4"], relaxed=False)
    api = srv.api
    u = api.register()
    for i in range(4):
        assert_error(api.login(unique("ghost"), "wrong-password!"), 401, "unauthorized")
    r = api.login(unique("ghost"), "wrong-password!")
    assert_error(r, 429, "rate_limited")
    assert (r.headers.get("Retry-After") or "").isdigit()
    del u


def failed_login(api, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else None
    return api.post("/api/auth/login", {"username": unique("ghost"), "password": "wrong-password!"},
                    headers=headers)


def test_login_limit_per_client_behind_a_trusted_proxy(server_factory):
    # The test client plays the proxy on 127.0.0.1: the address it forwards is the one limited.
    srv = server_factory(["--login-max-failures-ip", "3", "--trusted-proxy", "127.0.0.0/8"],
                         relaxed=False)
    api = srv.api
    for _ in range(3):
        assert_error(failed_login(api, "203.0.113.7"), 401, "unauthorized")
    assert_error(failed_login(api, "203.0.113.7"), 429, "rate_limited")
    # Another client behind the same proxy is not locked out with it,
    assert_error(failed_login(api, "198.51.100.20"), 401, "unauthorized")
    # nor is the proxy's own address, and a spoofed entry left of the real one changes nothing.
    assert_error(failed_login(api), 401, "unauthorized")
    assert_error(failed_login(api, "198.51.100.99, 203.0.113.7"), 429, "rate_limited")
    # A malformed header falls back to the proxy itself.
    assert_error(failed_login(api, "not-an-address"), 401, "unauthorized")


def test_forwarded_for_from_an_untrusted_peer_is_ignored(server_factory):
    srv = server_factory(["--login-max-failures-ip", "3"], relaxed=False)
    api = srv.api
    for i in range(3):
        assert_error(failed_login(api, f"203.0.113.{i}"), 401, "unauthorized")
    # Every attempt counted against the real peer, whatever it claimed to forward.
    assert_error(failed_login(api, "203.0.113.200"), 429, "rate_limited")


def test_bad_trusted_proxy_is_refused_at_start(parley_bin, tmp_path):
    r = subprocess.run([parley_bin, "--data-dir", str(tmp_path), "--trusted-proxy", "10.0.0.0/40"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    assert "--trusted-proxy" in r.stderr


def test_expired_access_token_is_refused(server_factory):
    # Claims are in whole seconds, so a 1 s lifetime may end a few milliseconds after issue: use 3.
    srv = server_factory(["--access-token-ttl-s", "3"])
    u = srv.api.register()
    assert srv.api.get("/api/me", u.access).status_code == 200
    wait_for(lambda: srv.api.get("/api/me", u.access).status_code == 401, 8, "the token to expire")
    assert_error(srv.api.get("/api/me", u.access), 401, "unauthorized")
    # The WebSocket refuses it too, on the upgrade and in an auth frame.
    from parley_client import RawWs, raw_ws
    c = RawWs(srv)
    try:
        assert c.handshake(f"/ws?token={u.access}") == 401
    finally:
        c.close()
    c = raw_ws(srv)
    try:
        c.send_text({"type": "auth", "token": u.access})
        f = c.read_json()
        assert f["type"] == "error" and f["code"] == "unauthorized", f
        assert c.read_close()[0] == 4001
    finally:
        c.close()
    # A refresh still yields a working token.
    r = srv.api.post("/api/auth/refresh", {"refresh_token": u.refresh})
    assert r.status_code == 200, r.text


def test_expired_refresh_token_is_refused(server_factory):
    srv = server_factory(["--refresh-token-ttl-s", "1"])
    u = srv.api.register()
    wait_for(lambda: srv.api.post("/api/auth/refresh", {"refresh_token": u.refresh}).status_code == 401, 6,
             "the refresh token to expire")
    assert_error(srv.api.post("/api/auth/refresh", {"refresh_token": u.refresh}), 401, "unauthorized")
    assert srv.api.login(u.username).status_code == 200
