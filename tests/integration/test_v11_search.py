"""v1.1 search: words, accents, case, prefix, membership, hostile queries, edits, deletes, paging."""

import uuid

import pytest

from parley_client import assert_error, assert_json, check_message_shape
from v11_client import delete_ok, edit_ok, room_with


def tag() -> str:
    """A word no other test's message contains (letters only, so it is one word)."""
    return "zq" + "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:12])


def search(api, user, q, **params):
    return api.get("/api/search", user.access, params={"q": q, **params})


def search_ok(api, user, q, **params) -> dict:
    r = search(api, user, q, **params)
    assert r.status_code == 200, f"search {q!r}: {r.status_code} {r.text[:300]}"
    data = assert_json(r)
    assert set(data) >= {"messages", "next_before"}, data
    for m in data["messages"]:
        check_message_shape(m)
    return data


def found(api, user, q, **params) -> list:
    return [m["id"] for m in search_ok(api, user, q, **params)["messages"]]


@pytest.fixture
def room(api, alice, bob):
    """A public room of alice that bob joined; carol is not a member."""
    return room_with(api, alice, bob)


# --------------------------------------------------------------------------------------------
# matching


def test_a_word_finds_its_message_with_the_whole_message(api, alice, bob, room):
    t = tag()
    m = api.send_ok(alice, room["id"], f"the {t} deploy link is here")
    api.send_ok(alice, room["id"], "something else entirely")
    data = search_ok(api, bob, t)
    assert [x["id"] for x in data["messages"]] == [m["id"]]
    hit = data["messages"][0]
    assert hit["body"] == m["body"] and hit["room"] == room["id"] and hit["from"] == m["from"], hit
    assert data["next_before"] is None, data


def test_accents_and_case_do_not_matter(api, alice, room):
    t = tag()
    m = api.send_ok(alice, room["id"], f"Café {t} CRÈME Ünïcödé")
    assert found(api, alice, f"cafe {t}") == [m["id"]]
    assert found(api, alice, f"CAFÉ {t.upper()}") == [m["id"]]
    assert found(api, alice, f"{t} creme unicode") == [m["id"]]
    assert found(api, alice, f"{t} crème") == [m["id"]]


def test_the_last_word_matches_as_a_prefix_the_others_whole(api, alice, room):
    t = tag()
    m = api.send_ok(alice, room["id"], f"{t} deployment tomorrow")
    assert found(api, alice, f"{t} deplo") == [m["id"]]
    assert found(api, alice, t[:-3]) == [m["id"]]
    # Only the last word is a prefix: an earlier partial word matches nothing.
    assert found(api, alice, f"deplo {t}") == []
    assert found(api, alice, f"{t[:-3]} deployment") == []


def test_every_word_must_appear(api, alice, room):
    t = tag()
    both = api.send_ok(alice, room["id"], f"{t} alpha beta")
    api.send_ok(alice, room["id"], f"{t} alpha only")
    assert found(api, alice, f"{t} alpha beta") == [both["id"]]
    assert found(api, alice, f"beta {t} alpha") == [both["id"]]
    assert found(api, alice, f"{t} gamma") == []


def test_words_are_runs_of_letters_and_digits(api, alice, room):
    t = tag()
    m = api.send_ok(alice, room["id"], f"see https://deploy.{t}.example/path_v2 at 3.14")
    assert found(api, alice, f"{t} deploy") == [m["id"]]
    assert found(api, alice, f"{t} v2") == [m["id"]]
    assert found(api, alice, f"{t} 14") == [m["id"]]
    assert found(api, alice, f"{t}.example") == [m["id"]]


def test_newest_first_across_rooms(api, alice, bob, room):
    t = tag()
    other = room_with(api, bob, alice)
    a = api.send_ok(alice, room["id"], f"{t} one")
    b = api.send_ok(bob, other["id"], f"{t} two")
    c = api.send_ok(alice, room["id"], f"{t} three")
    assert found(api, alice, t) == [c["id"], b["id"], a["id"]]
    assert found(api, alice, t, room=other["id"]) == [b["id"]]
    assert found(api, alice, t, room=room["id"]) == [c["id"], a["id"]]


# --------------------------------------------------------------------------------------------
# membership


def test_private_room_text_is_never_found_by_outsiders(api, alice, bob, carol):
    t = tag()
    private = room_with(api, alice, bob, private=True)
    m = api.send_ok(alice, private["id"], f"secret {t}")
    assert found(api, bob, t) == [m["id"]]
    assert found(api, carol, t) == []
    assert found(api, carol, f"secret {t}") == []


def test_public_room_text_needs_membership(api, alice, carol, room):
    t = tag()
    api.send_ok(alice, room["id"], f"public {t}")
    assert found(api, carol, t) == []


def test_a_member_who_leaves_stops_finding(api, alice, bob, room):
    t = tag()
    m = api.send_ok(alice, room["id"], f"{t} before leaving")
    assert found(api, bob, t) == [m["id"]]
    r = api.post(f"/api/rooms/{room['id']}/leave", {}, token=bob.access)
    assert r.status_code in (200, 204), r.text
    assert found(api, bob, t) == []
    assert found(api, alice, t) == [m["id"]]


def test_room_parameter_is_checked_like_history(api, alice, bob, carol, room):
    t = tag()
    private = room_with(api, alice, private=True)
    api.send_ok(alice, private["id"], f"{t} hidden")
    assert_error(search(api, carol, t, room=room["id"]), 403, "forbidden")
    assert_error(search(api, bob, t, room=private["id"]), 404, "not_found")
    assert_error(search(api, bob, t, room=99999999), 404, "not_found")
    assert_error(search(api, bob, t, room="abc"), 400, "bad_request", "room")
    assert_error(search(api, bob, t, room=0), 400, "bad_request", "room")


def test_search_needs_a_token(api):
    r = api.get("/api/search", None, params={"q": "hello"})
    assert_error(r, 401, "unauthorized")


# --------------------------------------------------------------------------------------------
# hostile and invalid queries


@pytest.mark.parametrize("q", [
    '"', '""', '"unbalanced', "*", "-", "OR", "NEAR", ":", "a:b", "x*", "-x", "a OR b",
    "NEAR(a b)", "'; DROP TABLE messages; --", "body:foo", "^start", "a AND", "AND", "NOT x",
    "(x", "x)", "{a b}", "a + b", "\\", "%", "_", "foo's", "c++", "&|!", "<->", "x:*",
])
def test_hostile_queries_are_plain_text(api, alice, room, q):
    r = search(api, alice, q)
    if any(ch.isalnum() for ch in q):
        assert r.status_code == 200, f"{q!r}: {r.status_code} {r.text[:300]}"
        assert isinstance(assert_json(r)["messages"], list)
    else:
        assert_error(r, 400, "bad_request", "q")


def test_hostile_characters_do_not_change_the_meaning(api, alice, room):
    t = tag()
    m = api.send_ok(alice, room["id"], f"{t} OR NEAR drop table")
    api.send_ok(alice, room["id"], f"{t} unrelated")
    assert found(api, alice, f'"{t}" OR near') == [m["id"]]
    assert found(api, alice, f"{t}* -near: drop;") == [m["id"]]
    assert found(api, alice, f"'{t}'; DROP TABLE; --") == [m["id"]]
    # OR is a word like any other: every word must appear.
    assert found(api, alice, f"{t} OR nothingelse") == []
    # The messages are still there.
    assert len(found(api, alice, t)) == 2


@pytest.mark.parametrize("q", ["", " ", "!!!", "...", "\"*-:;", "😀", "— …"])
def test_queries_without_letter_or_digit_are_400(api, alice, q):
    assert_error(search(api, alice, q), 400, "bad_request", "q")


def test_query_length_bounds(api, alice, room):
    t = tag()
    assert_error(api.get("/api/search", alice.access), 400, "bad_request", "q")
    assert_error(search(api, alice, "a" * 201), 400, "bad_request", "q")
    assert_error(search(api, alice, "é" * 201), 400, "bad_request", "q")
    assert search(api, alice, "a" * 200).status_code == 200
    # Characters, not bytes: 200 two-byte characters are fine.
    assert search(api, alice, "é" * 200).status_code == 200
    padded = (t + " ") * (200 // (len(t) + 1))
    assert search(api, alice, padded).status_code == 200


def test_limit_bounds(api, alice):
    for bad in ("0", "101", "-1", "x", ""):
        assert_error(search(api, alice, "hello", limit=bad), 400, "bad_request", "limit")
    assert search(api, alice, "hello", limit=1).status_code == 200
    assert search(api, alice, "hello", limit=100).status_code == 200


def test_bad_before_is_400(api, alice):
    assert_error(search(api, alice, "hello", before="x"), 400, "bad_request", "before")
    assert_error(search(api, alice, "hello", before=0), 400, "bad_request", "before")


# --------------------------------------------------------------------------------------------
# edits and deletions


def test_an_edited_message_is_found_by_its_new_body_only(api, alice, room):
    t = tag()
    m = api.send_ok(alice, room["id"], f"{t} oldword")
    assert found(api, alice, f"{t} oldword") == [m["id"]]
    edit_ok(api, alice, room["id"], m["id"], f"{t} newword")
    assert found(api, alice, f"{t} oldword") == []
    hits = search_ok(api, alice, f"{t} newword")["messages"]
    assert [h["id"] for h in hits] == [m["id"]]
    assert hits[0]["body"] == f"{t} newword" and "edited_at" in hits[0], hits[0]


def test_a_deleted_message_is_never_found(api, alice, bob, room):
    t = tag()
    keep = api.send_ok(alice, room["id"], f"{t} keep")
    gone = api.send_ok(alice, room["id"], f"{t} gone")
    delete_ok(api, alice, room["id"], gone["id"])
    assert found(api, alice, t) == [keep["id"]]
    assert found(api, bob, f"{t} gone") == []
    # A second delete changes nothing.
    delete_ok(api, alice, room["id"], gone["id"])
    assert found(api, alice, t) == [keep["id"]]


def test_a_deleted_room_is_never_found(api, alice, bob):
    t = tag()
    doomed = room_with(api, alice, bob)
    api.send_ok(alice, doomed["id"], f"{t} in a doomed room")
    r = api.delete(f"/api/rooms/{doomed['id']}", alice.access)
    assert r.status_code in (200, 204), r.text
    assert found(api, alice, t) == []


# --------------------------------------------------------------------------------------------
# paging


def test_paging_with_before_and_next_before(api, alice, room):
    t = tag()
    ids = [api.send_ok(alice, room["id"], f"{t} number {i}")["id"] for i in range(7)]
    newest_first = list(reversed(ids))
    first = search_ok(api, alice, t, limit=3)
    assert [m["id"] for m in first["messages"]] == newest_first[:3]
    assert first["next_before"] == newest_first[2], first
    second = search_ok(api, alice, t, limit=3, before=first["next_before"])
    assert [m["id"] for m in second["messages"]] == newest_first[3:6]
    assert second["next_before"] == newest_first[5]
    last = search_ok(api, alice, t, limit=3, before=second["next_before"])
    assert [m["id"] for m in last["messages"]] == newest_first[6:]
    assert last["next_before"] is None
    # A page that ends exactly at the last match has no next page.
    exact = search_ok(api, alice, t, limit=7)
    assert [m["id"] for m in exact["messages"]] == newest_first and exact["next_before"] is None


def test_default_limit_is_20(api, alice, room):
    t = tag()
    for i in range(22):
        api.send_ok(alice, room["id"], f"{t} bulk {i}")
    data = search_ok(api, alice, t)
    assert len(data["messages"]) == 20 and data["next_before"] == data["messages"][-1]["id"]
