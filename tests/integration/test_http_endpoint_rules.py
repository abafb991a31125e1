"""HTTP rules at the edge of the endpoints: the WebSocket endpoint refuses a plain request with 426
(RFC 6455 §4.2.2) instead of serving the web app's page, and every request is counted once."""

import requests

from parley_client import assert_error


def test_plain_get_on_ws_is_426_with_upgrade_header(api):
    r = api.get("/ws")
    assert_error(r, 426, "bad_request")
    assert r.headers.get("Upgrade", "").lower() == "websocket"
    assert r.headers.get("Sec-WebSocket-Version") == "13"
    assert "<html" not in r.text.lower()


def test_plain_get_on_ws_with_query_token_is_426(api, alice):
    r = api.get("/ws?token=" + requests.utils.quote(alice.access, safe=""))
    assert_error(r, 426, "bad_request")


def test_other_pages_still_serve_the_app(api):
    # The SPA fallback is untouched for every other path.
    r = api.get("/rooms/1")
    assert r.status_code in (200, 404)
    assert r.status_code != 426


def stats(srv):
    r = srv.api.get("/api/admin/stats", srv.admin.access)
    assert r.status_code == 200
    return r.json()["http_requests"]


def test_every_request_is_counted_once(server_factory):
    srv = server_factory()
    before = stats(srv)
    for _ in range(7):
        assert srv.api.get("/healthz").status_code == 200
    assert srv.api.get("/ws").status_code == 426
    after = stats(srv)
    # Seven health checks, the refused /ws, and the second stats request itself.
    assert after - before == 9
