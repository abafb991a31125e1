"""/metrics scraped before and after a scripted session: every counter and histogram the
operations guide lists moves by exactly what the session did (docs/operations.md, Metrics)."""

import re

import pytest
import requests

from parley_client import arun, wait_for, ws_user

# Label values may hold braces (route="/api/rooms/{id}"): a quoted value is skipped whole.
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? (\S+)$')


def scrape(srv) -> dict:
    out = {}
    for line in requests.get(srv.url("/metrics"), timeout=5).text.splitlines():
        m = SAMPLE.match(line)
        if m:
            out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


def moved(before: dict, after: dict, series: str) -> float:
    return after.get(series, 0.0) - before.get(series, 0.0)


def route(method: str, template: str, status: int) -> str:
    return f'parley_http_responses_total{{method="{method}",route="{template}",status="{status}"}}'


def duration_count(method: str, template: str) -> str:
    return f'parley_http_request_duration_seconds_count{{method="{method}",route="{template}"}}'


@pytest.mark.timeout_s(90)
def test_a_scripted_session_moves_every_counter_by_what_it_did(server_factory):
    # One network thread: one delivery-latency sample per message.
    srv = server_factory(["--threads", "1", "--api-key", "ops=metrics-key"], register_admin=False)
    api = srv.api
    admin = api.register()
    before = scrape(srv)

    alice, bob = api.register(), api.register()                       # 2 x register 201
    room = api.create_room(alice)                                       # 1 x POST /api/rooms 201
    rid = room["id"]
    assert api.join_room(bob, rid).status_code == 200                  # 1 x join 200
    assert api.get(f"/api/rooms/{rid + 1000}", alice.access).status_code == 404  # not_found
    assert api.post("/api/rooms", {"name": ""}, token=alice.access).status_code == 400

    async def chat():
        a = await ws_user(srv, alice, name="a")                         # 2 connections, both
        b = await ws_user(srv, bob, name="b")                           # authenticated (query)
        await a.join(rid)
        await b.join(rid)
        for i in range(3):                                              # 3 received, 3 stored
            assert (await a.send_msg(rid, f"m{i}", client_id=f"c{i}"))["type"] == "ack"
        dup = await a.send_msg(rid, "m0", client_id="c0")               # received, not stored
        assert dup["type"] == "ack"
        for _ in range(3):
            await b.recv_until("message")
        api.send_ok(bob, rid, "over rest")                              # 1 received, stored
        await a.recv_until("message", pred=lambda f: f["body"] == "over rest")
        await b.recv_until("message", pred=lambda f: f["body"] == "over rest")
        await a.close()                                                 # closed 1000
        return b

    b = arun(chat(), timeout=40)
    # Bob's connection vanishes without a close handshake: 1006.
    b.ws.transport.abort()
    r = requests.post(srv.url("/api/publish"), json={"room": rid, "event": "deploy", "data": {}},
                      headers={"Authorization": "Bearer metrics-key"}, timeout=5)
    assert r.status_code == 202                                         # 1 publish event
    r = requests.post(srv.url("/api/client-health"),
                      json={"page_loads": 2, "client_errors": 1, "ws_reconnects": 3}, timeout=5)
    assert r.status_code == 204

    def settled():
        s = scrape(srv)
        return s if moved(before, s, 'parley_ws_connections_closed_total{code="1006"}') == 1 else None

    after = wait_for(settled, 10, "the aborted connection to be counted")

    expect = {
        route("POST", "/api/auth/register", 201): 2,
        duration_count("POST", "/api/auth/register"): 2,
        route("POST", "/api/rooms", 201): 1,
        route("POST", "/api/rooms", 400): 1,
        route("POST", "/api/rooms/{id}/join", 200): 1,
        route("GET", "/api/rooms/{id}", 404): 1,
        route("POST", "/api/rooms/{id}/messages", 201): 1,
        route("POST", "/api/publish", 202): 1,
        route("POST", "/api/client-health", 204): 1,
        route("GET", "/ws", 101): 2,
        'parley_errors_total{code="not_found"}': 1,
        'parley_errors_total{code="bad_request"}': 1,
        "parley_ws_connections_accepted_total": 2,
        "parley_ws_authenticated_total": 2,
        'parley_ws_connections_closed_total{code="1000"}': 1,
        'parley_ws_connections_closed_total{code="1006"}': 1,
        "parley_messages_received_total": 5,
        "parley_messages_in_total": 4,
        # Each stored message to both subscribers, the REST one too.
        "parley_messages_out_total": 8,
        "parley_delivery_latency_seconds_count": 4,
        "parley_store_latency_seconds_count": 5,
        "parley_publish_events_total": 1,
        "parley_web_page_loads_total": 2,
        "parley_web_client_errors_total": 1,
        "parley_web_ws_reconnects_total": 3,
        "parley_ws_connections": 0,
        "parley_ws_outbound_queued_bytes": 0,
        "parley_slow_consumer_closes_total": 0,
    }
    got = {k: moved(before, after, k) for k in expect}
    assert got == expect
    # Group commit: every batch timed, and its sizes add up to the 5 writes (the duplicate is one).
    batches = moved(before, after, "parley_store_batches_total")
    assert batches >= 1
    assert moved(before, after, "parley_store_commit_seconds_count") == batches
    assert moved(before, after, "parley_store_batch_messages_count") == batches
    assert moved(before, after, "parley_store_batch_messages_sum") == 5
    assert moved(before, after, 'parley_store_batch_messages_bucket{le="+Inf"}') == batches
    assert moved(before, after, "parley_store_commit_seconds_sum") > 0
    # Process figures and the build.
    assert after["process_cpu_seconds_total"] >= before["process_cpu_seconds_total"] > 0
    assert after["process_resident_memory_bytes"] > 1_000_000
    assert 0 < after["process_open_fds"] < after["process_max_fds"]
    build = [k for k in after if k.startswith("parley_build_info{")]
    assert len(build) == 1 and after[build[0]] == 1
    assert re.match(r'parley_build_info\{version="\d+\.\d+\.\d+",commit="[0-9a-f]{7,40}|unknown"\}',
                    build[0]), build[0]


def test_route_labels_are_templates_whatever_the_path(server_factory):
    srv = server_factory([])
    api = srv.api
    u = api.register()
    for path in ("/api/rooms/1", "/api/rooms/22", "/api/rooms/333", "/api/rooms/abc"):
        api.get(path, u.access)
    api.get("/api/nope/" + "x" * 50, u.access)
    api.req("BREW", "/api/rooms", u.access)
    text = requests.get(srv.url("/metrics"), timeout=5).text
    routes = set(re.findall(r'parley_http_responses_total\{method="([^"]*)",route="([^"]*)"', text))
    assert ("GET", "/api/rooms/{id}") in routes
    assert ("GET", "unmatched") in routes and ("OTHER", "unmatched") in routes
    assert not any("333" in r or "abc" in r or "xxx" in r for _, r in routes), routes
    assert not any(m == "BREW" for m, _ in routes)


@pytest.mark.timeout_s(60)
def test_the_rate_limit_moves_its_refusals_and_its_close(server_factory):
    srv = server_factory(["--rate-limit-per-second", "1", "--rate-limit-burst", "3",
                          "--rate-limit-abuse-count", "4", "--rate-limit-abuse-window-ms", "60000"],
                         relaxed=False)
    api = srv.api
    u = api.register()
    rid = api.create_room(u)["id"]
    before = scrape(srv)

    async def scenario():
        c = await ws_user(srv, u)
        # Sent without waiting: 3 pass (the burst), then refusals until more than 4 close it.
        for i in range(12):
            try:
                await c.send({"type": "send", "room": rid, "body": f"m{i}", "client_id": f"rl{i}"})
            except Exception:
                break
        code = await c.closed_code(timeout=5)
        return list(c.pending), code

    frames, code = arun(scenario(), timeout=30)
    refused = [f for f in frames if f.get("type") == "error" and f.get("code") == "rate_limited"]
    assert code == 1008 and refused, (code, frames)

    def settled():
        s = scrape(srv)
        closed = moved(before, s, 'parley_ws_connections_closed_total{code="1008"}') == 1
        stored = moved(before, s, "parley_messages_in_total") == 3  # committed after the close
        return s if closed and stored and moved(before, s, "parley_ws_connections") == 0 else None

    after = wait_for(settled, 10, "the 1008 close and the burst's 3 commits to be counted")
    assert moved(before, after, "parley_rate_limited_total") == len(refused)
    assert moved(before, after, 'parley_errors_total{code="rate_limited"}') == len(refused)
    assert moved(before, after, "parley_rate_limit_closes_total") == 1
    # More than 4 refusals close it; the burst's 3 are stored (their acks may lose the race
    # with the close, which is what a client's retry with the same client_id is for).
    assert len(refused) == 5
    assert len(api.history(u, rid)) == 3
