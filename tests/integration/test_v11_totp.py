"""v1.1 two-factor (TOTP, RFC 6238: SHA-1, 6 digits, 30 s, ±1 step): enrolment, confirmation and
recovery codes, login with `totp_required`, codes accepted once, recovery codes once, turning it
off, throttling of wrong codes.

The tests compute codes with their own RFC 6238 implementation from the secret the server hands
out (the server's clock is this machine's). Codes are never reused across logins of one account
unless the test is about replay: each accepted code is spent."""

import re
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from parley_client import PASSWORD, arun, assert_error
from v11_security_client import (b32decode, confirm_totp, disable_totp, enable_totp, hotp, login,
                                 login_ok, new_user, refresh, session_ids, start_totp,
                                 sid_of, steady_step, totp_at_step, totp_step, wait_for_step,
                                 wrong_code, ws_open)

BASE32_RE = re.compile(r"^[A-Z2-7]+=*$")


# -- the test's own TOTP -------------------------------------------------------------------------


def test_totp_helper_matches_rfc6238_vectors():
    # RFC 6238 appendix B, SHA-1 rows (8 digits there; the 6-digit code is the last six).
    key = b"12345678901234567890"
    for t, code8 in [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"),
                     (1234567890, "89005924"), (2000000000, "69279037"), (20000000000, "65353130")]:
        assert hotp(key, t // 30, digits=8) == code8
        assert hotp(key, t // 30) == code8[-6:]
    assert b32decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") == key
    assert b32decode("gezdgnbvgy3tqojq gezdgnbvgy3tqojq") == key


# -- enrolment ----------------------------------------------------------------------------------


def test_start_enrolment_shape(api):
    u = new_user(api)
    r = api.post("/api/me/totp", token=u.access)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"secret", "otpauth_uri"}, body
    secret = body["secret"]
    assert isinstance(secret, str) and BASE32_RE.match(secret), secret
    assert len(secret.rstrip("=")) >= 32, f"at least 160 bits: {secret}"
    assert len(b32decode(secret)) >= 20
    uri = body["otpauth_uri"]
    assert isinstance(uri, str) and uri.startswith("otpauth://totp/"), uri
    parsed = urlparse(uri)
    query = parse_qs(parsed.query)
    assert query.get("secret") == [secret.rstrip("=")] or query.get("secret") == [secret], uri
    # Optional parameters, when present, describe this very scheme.
    assert query.get("algorithm", ["SHA1"]) == ["SHA1"], uri
    assert query.get("digits", ["6"]) == ["6"], uri
    assert query.get("period", ["30"]) == ["30"], uri
    # The label names the account.
    assert u.username.lower() in unquote(parsed.path).lower(), uri


def test_each_enrolment_gets_a_fresh_secret(api):
    u, v = new_user(api), new_user(api)
    secrets = {start_totp(api, u.access)["secret"], start_totp(api, v.access)["secret"],
               start_totp(api, u.access)["secret"]}
    assert len(secrets) == 3, secrets


def test_enrolment_alone_does_not_turn_it_on(api):
    u = new_user(api)
    start_totp(api, u.access)
    r = login(api, u.username)
    assert r.status_code == 200, r.text


def test_confirm_with_a_wrong_code_is_refused(api):
    u = new_user(api)
    secret = start_totp(api, u.access)["secret"]
    step = steady_step()
    right = [totp_at_step(secret, step + d) for d in (-1, 0, 1)]
    r = confirm_totp(api, u.access, wrong_code(*right))
    # Ambiguity: a wrong code is "wrong credentials" (401) or an invalid field (400).
    if r.status_code == 400:
        assert_error(r, 400, "bad_request")
    else:
        assert_error(r, 401, "unauthorized")
    # Still off; and the enrolment is still pending: the right code confirms it.
    assert login(api, u.username).status_code == 200
    r = confirm_totp(api, u.access, totp_at_step(secret, step))
    assert r.status_code == 200, r.text


def test_confirm_with_the_right_code_gives_ten_recovery_codes(api):
    u = new_user(api)
    secret = start_totp(api, u.access)["secret"]
    step = steady_step()
    r = confirm_totp(api, u.access, totp_at_step(secret, step))
    assert r.status_code == 200, r.text
    codes = r.json()["recovery_codes"]
    assert isinstance(codes, list) and len(codes) == 10, codes
    assert all(isinstance(c, str) and len(c) >= 8 for c in codes), codes
    assert len(set(codes)) == 10, codes
    # On now.
    assert_error(login(api, u.username), 401, "totp_required")


@pytest.mark.parametrize("body,field", [({}, "code"), ({"code": 123456}, "code"),
                                        ({"code": None}, "code"), ({"code": ["123456"]}, "code")])
def test_confirm_bad_body(api, body, field):
    u = new_user(api)
    start_totp(api, u.access)
    assert_error(api.post("/api/me/totp/confirm", body, token=u.access), 400, "bad_request", field)
    assert login(api, u.username).status_code == 200


def test_confirm_without_enrolment_is_refused(api):
    u = new_user(api)
    r = confirm_totp(api, u.access, "123456")
    # Ambiguity: nothing to confirm is a bad request (400) or a state conflict (409).
    assert r.status_code in (400, 409), r.text
    assert_error(r, r.status_code, {400: "bad_request", 409: "conflict"}[r.status_code])
    assert login(api, u.username).status_code == 200


@pytest.mark.parametrize("route", ["start", "confirm", "disable"])
def test_totp_routes_need_a_valid_token(api, route):
    u = new_user(api)
    for token in (None, "a.b.c", u.refresh):
        if route == "start":
            r = api.post("/api/me/totp", token=token)
        elif route == "confirm":
            r = confirm_totp(api, token, "123456")
        else:
            r = disable_totp(api, token, "123456")
        assert_error(r, 401, "unauthorized")
    assert login(api, u.username).status_code == 200


def test_confirm_accepts_the_neighbouring_steps_only(api):
    step = steady_step(min_left_s=12)  # four registrations and enrolments within this step
    # ±2 refused, ±1 accepted, each on a fresh enrolment so that no code was spent before.
    for d in (-2, 2):
        u = new_user(api)
        secret = start_totp(api, u.access)["secret"]
        r = confirm_totp(api, u.access, totp_at_step(secret, step + d))
        assert r.status_code in (400, 401), f"step {d:+d} accepted: {r.status_code} {r.text}"
        assert login(api, u.username).status_code == 200
    for d in (-1, 1):
        u = new_user(api)
        secret = start_totp(api, u.access)["secret"]
        r = confirm_totp(api, u.access, totp_at_step(secret, step + d))
        assert r.status_code == 200, f"step {d:+d} refused: {r.status_code} {r.text}"


# -- login with two-factor on --------------------------------------------------------------------


def totp_user(api, offset=0):
    """A user with TOTP on, confirmed by the code of the current step + offset: (user, secret,
    recovery codes, step), where `step` is a step whose code is unspent and accepted (the next
    one: confirmation may have spent the current one); the clock stays in the current step for
    a few seconds."""
    steady_step(min_left_s=6)
    u = new_user(api)
    secret, codes, confirmed = enable_totp(api, u, offset=offset)
    return u, secret, codes, confirmed + 1


def test_login_without_code_is_totp_required(api):
    u, _, _, _ = totp_user(api)
    before = session_ids(api, u.access)
    assert_error(login(api, u.username), 401, "totp_required")
    # Again: asking for the code is not a failure that locks anyone out or spends anything.
    assert_error(login(api, u.username), 401, "totp_required")
    # No session was started by it.
    assert session_ids(api, u.access) == before


def test_wrong_password_is_plain_unauthorized_with_or_without_code(api):
    u, secret, _, step = totp_user(api)
    plain = new_user(api)
    reference = assert_error(login(api, plain.username, "wrong-password!"), 401, "unauthorized")
    e1 = assert_error(login(api, u.username, "wrong-password!"), 401, "unauthorized")
    e2 = assert_error(login(api, u.username, "wrong-password!", totp_at_step(secret, step)),
                      401, "unauthorized")
    e3 = assert_error(login(api, u.username, "wrong-password!", "000000"), 401, "unauthorized")
    # The answer never tells that the account has two-factor on (so never confirms a password).
    assert e1["message"] == e2["message"] == e3["message"] == reference["message"]
    # And the code offered with a wrong password was not spent.
    r = login(api, u.username, PASSWORD, totp_at_step(secret, step))
    assert r.status_code == 200, r.text


def test_wrong_code_is_unauthorized(api):
    u, secret, _, step = totp_user(api)
    right = [totp_at_step(secret, step + d) for d in (-2, -1, 0)]
    for bad in (wrong_code(*right), "12345", "1234567", "abcdef"):
        assert_error(login(api, u.username, PASSWORD, bad), 401, "unauthorized")
    # The code of another secret is wrong too.
    _, other_secret, _, _ = totp_user(api)
    candidate = totp_at_step(other_secret, step)
    if candidate not in right:
        assert_error(login(api, u.username, PASSWORD, candidate), 401, "unauthorized")
    # No session was started by any of them, and the right code still works.
    assert session_ids(api, u.access) == {int(sid_of(u.access))}
    assert login(api, u.username, PASSWORD, totp_at_step(secret, step)).status_code == 200


def test_right_code_works_once(api):
    u, secret, _, step = totp_user(api)
    code = totp_at_step(secret, step)
    first = login_ok(api, u.username, totp_code=code)
    assert first.id == u.id
    assert first.access != u.access
    # Replayed, while it is still inside the accepted window: refused, again and again.
    for _ in range(2):
        assert_error(login(api, u.username, PASSWORD, code), 401, "unauthorized")
    assert session_ids(api, first.access) == {int(sid_of(u.access)), int(sid_of(first.access))}


def test_replay_of_the_confirmation_code_is_refused(api):
    step = steady_step(min_left_s=6)
    u = new_user(api)
    secret = start_totp(api, u.access)["secret"]
    code = totp_at_step(secret, step)
    assert confirm_totp(api, u.access, code).status_code == 200
    assert_error(login(api, u.username, PASSWORD, code), 401, "unauthorized")


def test_login_accepts_the_next_step_and_refuses_two_ahead(api):
    u, secret, _, step = totp_user(api)
    now = step - 1
    assert_error(login(api, u.username, PASSWORD, totp_at_step(secret, now + 2)), 401, "unauthorized")
    assert_error(login(api, u.username, PASSWORD, totp_at_step(secret, now - 2)), 401, "unauthorized")
    assert login(api, u.username, PASSWORD, totp_at_step(secret, now + 1)).status_code == 200


@pytest.mark.timeout_s(90)
def test_login_accepts_the_previous_step(api):
    # An unspent code of the previous step exists only once the clock has moved on a step after
    # the confirmation (which may have spent its code): confirm with the previous step's code,
    # then wait for the next step (at most ~35 s) and log in with the code of the step that was
    # current at confirmation.
    u, secret, _, step = totp_user(api, offset=-1)
    confirmed_in = step  # the step that was current when confirming
    wait_for_step(confirmed_in + 1)
    steady_step()
    now = totp_step()
    assert now == confirmed_in + 1, "the step moved on twice: the machine is too slow for this test"
    r = login(api, u.username, PASSWORD, totp_at_step(secret, now - 1))
    assert r.status_code == 200, f"previous step refused: {r.status_code} {r.text}"


def test_recovery_code_works_once(api):
    u, _, codes, _ = totp_user(api)
    assert login_ok(api, u.username, totp_code=codes[0]).id == u.id
    assert_error(login(api, u.username, PASSWORD, codes[0]), 401, "unauthorized")
    # Another one still works, once too; the rest are untouched.
    assert login_ok(api, u.username, totp_code=codes[7]).id == u.id
    assert_error(login(api, u.username, PASSWORD, codes[7]), 401, "unauthorized")
    assert login_ok(api, u.username, totp_code=codes[9]).id == u.id


def test_recovery_codes_are_per_account(api):
    u, _, codes_u, _ = totp_user(api)
    v, _, codes_v, _ = totp_user(api)
    assert not set(codes_u) & set(codes_v)
    assert_error(login(api, v.username, PASSWORD, codes_u[0]), 401, "unauthorized")
    # Not spent by the attempt on the wrong account.
    assert login(api, u.username, PASSWORD, codes_u[0]).status_code == 200


def test_two_factor_does_not_disturb_existing_sessions(server, api):
    u = new_user(api)
    steady_step()
    enable_totp(api, u)
    assert api.get("/api/me", u.access).status_code == 200
    r = refresh(api, u.refresh)
    assert r.status_code == 200, r.text

    async def scenario():
        c = await ws_open(server, r.json()["access_token"], "subprotocol")
        await c.close()

    arun(scenario())


def test_starting_again_while_on_keeps_the_current_secret(api):
    u, secret, _, step = totp_user(api)
    r = api.post("/api/me/totp", token=u.access)
    # Either refused (409 while on) or a new enrolment pending confirmation; the old one holds.
    assert r.status_code in (200, 409), r.text
    assert_error(login(api, u.username), 401, "totp_required")
    assert login(api, u.username, PASSWORD, totp_at_step(secret, step)).status_code == 200


# -- turning it off -----------------------------------------------------------------------------


def test_disable_with_a_wrong_code_is_refused(api):
    u, secret, codes, step = totp_user(api)
    right = [totp_at_step(secret, step + d) for d in (-2, -1, 0)]
    r = disable_totp(api, u.access, wrong_code(*right))
    if r.status_code == 400:
        assert_error(r, 400, "bad_request")
    else:
        assert_error(r, 401, "unauthorized")
    assert_error(login(api, u.username), 401, "totp_required")


@pytest.mark.parametrize("body", [{}, {"code": 123456}, {"code": None}])
def test_disable_bad_body(api, body):
    u, _, _, _ = totp_user(api)
    r = api.req("DELETE", "/api/me/totp", u.access, json_body=body)
    assert_error(r, 400, "bad_request", "code")
    assert_error(login(api, u.username), 401, "totp_required")


def test_disable_with_the_right_code(api):
    u, secret, codes, step = totp_user(api)
    r = disable_totp(api, u.access, totp_at_step(secret, step))
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert login(api, u.username).status_code == 200
    # Off means off: the old codes are no longer needed nor special.
    r = login(api, u.username, PASSWORD, codes[0])
    assert r.status_code in (200, 400), r.text


def test_disable_then_enrol_again_with_a_new_secret(api):
    u, secret, _, step = totp_user(api)
    assert disable_totp(api, u.access, totp_at_step(secret, step)).status_code == 204
    new_secret = start_totp(api, u.access)["secret"]
    assert new_secret != secret
    r = confirm_totp(api, u.access, totp_at_step(new_secret, step))
    assert r.status_code == 200, r.text
    assert_error(login(api, u.username), 401, "totp_required")


def test_disable_when_off(api):
    u = new_user(api)
    r = disable_totp(api, u.access, "123456")
    # Ambiguity: already off is not an error (204), or refused (400 / 401 wrong code / 409).
    assert r.status_code in (204, 400, 401, 409), r.text
    assert login(api, u.username).status_code == 200


# -- throttling -----------------------------------------------------------------------------------


def test_wrong_codes_count_toward_login_throttling(server_factory):
    srv = server_factory(["--login-max-failures-user", "3"])
    api = srv.api
    u, secret, _, step = totp_user(api)
    bystander = new_user(api)
    right = [totp_at_step(secret, step + d) for d in (-2, -1, 0)]
    for _ in range(3):
        assert_error(login(api, u.username, PASSWORD, wrong_code(*right)), 401, "unauthorized")
    r = login(api, u.username, PASSWORD, wrong_code(*right))
    assert_error(r, 429, "rate_limited")
    ra = r.headers.get("Retry-After")
    assert ra is not None and ra.isdigit() and int(ra) > 0, f"Retry-After {ra!r}"
    assert login(api, bystander.username).status_code == 200


def test_wrong_recovery_codes_count_toward_login_throttling(server_factory):
    srv = server_factory(["--login-max-failures-user", "3"])
    api = srv.api
    u, _, codes, _ = totp_user(api)
    for i in range(3):
        assert_error(login(api, u.username, PASSWORD, f"not-a-recovery-code-{i}"), 401, "unauthorized")
    assert_error(login(api, u.username, PASSWORD, "not-a-recovery-code-x"), 429, "rate_limited")
