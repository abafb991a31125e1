"""An access code is a password: wrong codes for a private room are throttled like logins (per
user and room, and per address), with 429 and Retry-After, and the room is left unchanged."""

from parley_client import assert_error

MAX_FAILURES_PER_USER = 10  # --login-max-failures-user's default


def join(api, user, room_id, code):
    return api.post(f"/api/rooms/{room_id}/join", {"access_code": code}, token=user.access)


def test_wrong_codes_are_throttled_then_even_the_right_code_waits(api, alice, bob, carol):
    room = api.create_room(alice, private=True, access_code="right-code")
    for i in range(MAX_FAILURES_PER_USER):
        assert_error(join(api, bob, room["id"], f"guess-{i}"), 403, "forbidden")
    refused = join(api, bob, room["id"], "right-code")
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) > 0
    # Bob did not get in; the members are unchanged.
    members = api.get(f"/api/rooms/{room['id']}/members", alice.access).json()["members"]
    assert [m["username"] for m in members] == [alice.username]
    # Another user of the same address is not locked out by Bob's guesses (per-user key).
    r = join(api, carol, room["id"], "right-code")
    assert r.status_code == 200, r.text


def test_the_throttle_is_per_room(api, alice, bob):
    locked = api.create_room(alice, private=True, access_code="code-one")
    other = api.create_room(alice, private=True, access_code="code-two")
    for i in range(MAX_FAILURES_PER_USER):
        join(api, bob, locked["id"], f"nope-{i}")
    assert_error(join(api, bob, locked["id"], "code-one"), 429, "rate_limited")
    assert join(api, bob, other["id"], "code-two").status_code == 200


def test_a_right_code_before_the_limit_joins(api, alice, bob):
    room = api.create_room(alice, private=True, access_code="s3cret")
    for i in range(MAX_FAILURES_PER_USER - 1):
        assert_error(join(api, bob, room["id"], f"x{i}"), 403, "forbidden")
    assert join(api, bob, room["id"], "s3cret").status_code == 200
    # Joining again as a member needs no code and is never throttled.
    assert join(api, bob, room["id"], "whatever").status_code == 200


def test_address_limit_across_users(server_factory):
    srv = server_factory(flags=["--login-max-failures-ip", "5"])
    owner = srv.admin
    room = srv.api.create_room(owner, private=True, access_code="pw")
    guessers = [srv.api.register() for _ in range(3)]
    refused = 0
    for i in range(6):
        r = join(srv.api, guessers[i % 3], room["id"], f"g{i}")
        refused += r.status_code == 429
    assert refused == 1  # the sixth wrong try from this address
    assert_error(join(srv.api, guessers[0], room["id"], "pw"), 429, "rate_limited")
