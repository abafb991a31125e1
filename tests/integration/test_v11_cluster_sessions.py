"""v1.1 sessions in a cluster: a session ended on one instance is refused and its sockets are
closed on the other too (the revocation list travels on the bus), whichever way it ended (by its
owner, logout everywhere, a password change, a deactivation), and whichever way the socket
authenticated. Two instances on one PostgreSQL database and one Redis server, as in
test_cluster.py (whose fixture this file shares)."""

from __future__ import annotations

import asyncio

import pytest

from cluster_helpers import missing_binaries
from parley_client import PASSWORD, arun, assert_error

_missing = missing_binaries()
if _missing:
    pytest.skip(f"cluster tests need PostgreSQL and Redis servers; missing: {', '.join(_missing)} "
                "(scripts/install-deps.sh test installs them)", allow_module_level=True)

from test_cluster import both, cluster  # noqa: E402,F401  (fixtures: a cluster of this module)
from v11_security_client import (WS_WAYS, assert_closed_4001, assert_open, close_all,  # noqa: E402
                                 login_ok, sid_of, ws_open)


def sid(user) -> int:
    return int(sid_of(user.access))


async def sockets_on(server, user, prefix):
    return {f"{prefix}-{how}": await ws_open(server, user.access, how, name=f"{prefix}-{how}")
            for how in WS_WAYS}


def refused_on(server, user):
    assert_error(server.api.get("/api/me", user.access), 401, "unauthorized")


def works_on(server, user):
    r = server.api.get("/api/me", user.access)
    assert r.status_code == 200, f"{server}: {r.status_code} {r.text}"


def test_session_ended_on_a_closes_its_sockets_on_b(both):
    owner = both.a.api.register()
    on_b = login_ok(both.b.api, owner.username)  # the victim session, started on B
    other = login_ok(both.b.api, owner.username)

    async def scenario():
        victims = await sockets_on(both.b, on_b, "victim@B")
        victims.update(await sockets_on(both.a, on_b, "victim@A"))
        survivors = await sockets_on(both.b, other, "other@B")
        r = await asyncio.to_thread(both.a.api.delete, f"/api/me/sessions/{sid(on_b)}",
                                    owner.access)
        assert r.status_code == 204, r.text
        await assert_closed_4001(victims)
        await assert_open(survivors)
        await close_all(survivors)

    arun(scenario())
    # The close on B means B has the end: its REST refuses the token too, as does A's.
    for server in (both.a, both.b):
        refused_on(server, on_b)
        works_on(server, other)
    assert_error(both.b.api.post("/api/auth/refresh", {"refresh_token": on_b.refresh}),
                 401, "unauthorized")


def test_a_token_b_has_not_seen_is_checked_against_the_store(both):
    # B has never seen this session (started and ended on A): the first use on B asks the store.
    owner = both.a.api.register()
    victim = login_ok(both.a.api, owner.username)
    r = both.a.api.delete(f"/api/me/sessions/{sid(victim)}", owner.access)
    assert r.status_code == 204, r.text
    refused_on(both.b, victim)
    works_on(both.b, owner)

    async def scenario():
        # Upgrade accepted or refused by B, but never a working connection.
        try:
            c = await ws_open(both.b, victim.access, "frame", name="victim@B")
        except AssertionError:
            return
        code = await c.closed_code(5)
        assert code == 4001, code

    arun(scenario())


def test_logout_everywhere_on_b_closes_sockets_on_a(both):
    user = both.a.api.register()
    second = login_ok(both.a.api, user.username)
    bystander = both.a.api.register()

    async def scenario():
        victims = await sockets_on(both.a, user, "first@A")
        victims["second@A"] = await ws_open(both.a, second.access, "subprotocol")
        other = await ws_open(both.a, bystander.access, "frame", name="bystander@A")
        r = await asyncio.to_thread(both.b.api.post, "/api/auth/logout",
                                    {"refresh_token": user.refresh, "everywhere": True})
        assert r.status_code == 204, r.text
        await assert_closed_4001(victims)
        await assert_open([other])
        await other.close()

    arun(scenario())
    for u in (user, second):
        refused_on(both.a, u)


def test_password_change_on_a_closes_other_sessions_on_b(both):
    user = both.a.api.register()
    other = login_ok(both.b.api, user.username)

    async def scenario():
        victims = await sockets_on(both.b, other, "other@B")
        mine = await ws_open(both.b, user.access, "query", name="mine@B")
        r = await asyncio.to_thread(both.a.api.post, "/api/me/password",
                                    {"current": PASSWORD, "new": "a-new-cluster-password"},
                                    user.access)
        assert r.status_code == 204, r.text
        await assert_closed_4001(victims)
        await assert_open([mine])
        await mine.close()

    arun(scenario())
    refused_on(both.b, other)
    works_on(both.b, user)


def test_deactivation_on_a_closes_sockets_on_b(both):
    user = both.b.api.register()

    async def scenario():
        victims = await sockets_on(both.b, user, "user@B")
        r = await asyncio.to_thread(both.a.api.post, f"/api/admin/users/{user.id}/deactivate",
                                    token=both.admin.access)
        assert r.status_code == 200, r.text
        await assert_closed_4001(victims)

    arun(scenario())
    for server in (both.a, both.b):
        refused_on(server, user)
        assert_error(server.api.login(user.username), 401, "unauthorized")
    r = both.b.api.post(f"/api/admin/users/{user.id}/reactivate", token=both.admin.access)
    assert r.status_code == 200, r.text
    assert both.a.api.login(user.username).status_code == 200
