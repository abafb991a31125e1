"""Files in a cluster: two instances on one PostgreSQL database and one Redis server, sharing one
--upload-dir (the directory every instance mounts). A file uploaded on one is attached and
downloaded on the other, searched messages too."""

from __future__ import annotations

import os

import pytest
import requests

from cluster_helpers import Postgres, Redis, missing_binaries
from conftest import RELAXED_FLAGS
from parley_client import ParleyServer, wait_for
from v11_client import room_with

_missing = missing_binaries()
if _missing:
    pytest.skip(f"cluster tests need PostgreSQL and Redis servers; missing: {', '.join(_missing)}",
                allow_module_level=True)

SECRET = "cluster-files-secret-0123456789abcdef0123456789"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    saved = os.environ.pop("PARLEY_EXTRA_FLAGS", None)
    pg, redis, servers = Postgres(), Redis(), []
    shared = tmp_path_factory.mktemp("shared-uploads")
    try:
        pg.start()
        redis.start()
        flags = [*RELAXED_FLAGS, "--database", pg.create_database(), "--redis", redis.url,
                 "--jwt-secret", SECRET, "--upload-dir", str(shared)]
        for name in ("a", "b"):
            servers.append(ParleyServer(tmp_path_factory.mktemp(f"files-{name}"), flags).start())
        servers[0].api.register()  # the admin
        for s in servers:
            wait_for(lambda: requests.get(s.url("/readyz"), timeout=2).status_code == 200, 15,
                     "both instances ready")
        yield servers
        for s in servers:
            s.stop()
    finally:
        for s in servers:
            s.kill()
        redis.remove()
        pg.stop()
        if saved is not None:
            os.environ["PARLEY_EXTRA_FLAGS"] = saved


def test_upload_on_a_attach_and_download_on_b(pair):
    a, b = pair
    alice = a.api.register()
    bob = b.api.register()
    room = room_with(a.api, alice, bob)
    r = a.api.req("POST", "/api/uploads", alice.access, data=b"shared bytes",
                  headers={"Content-Type": "text/plain"}, params={"name": "s.txt"})
    assert r.status_code == 201, r.text
    u = r.json()["upload"]
    sent = b.api.post(f"/api/rooms/{room['id']}/messages",
                      {"body": "zqclusterword", "attachments": [u["id"]]}, token=alice.access)
    assert sent.status_code == 201, sent.text
    got = b.api.req("GET", u["url"], bob.access)
    assert got.status_code == 200 and got.content == b"shared bytes"
    found = b.api.get("/api/search", bob.access, params={"q": "zqclusterw"}).json()["messages"]
    assert [m["id"] for m in found] == [sent.json()["id"]]
    assert found[0]["attachments"][0]["id"] == u["id"]
