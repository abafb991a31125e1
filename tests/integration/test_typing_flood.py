"""Typing fans out to a whole room, so a flood of typing frames is bounded per connection."""

from parley_client import arun, ws_user


def test_typing_flood_is_refused_and_others_get_a_bounded_number(server, api, alice, bob):
    room = api.create_room(alice)
    api.join_room(bob, room["id"])

    async def scenario():
        a = await ws_user(server, alice)
        b = await ws_user(server, bob)
        await a.join(room["id"])
        await b.join(room["id"])
        for i in range(60):
            await a.send({"type": "typing", "room": room["id"], "ref": f"t{i}"})
        pong = await a.request({"type": "ping"})
        assert pong["type"] == "pong"
        refused = [f for f in a.take("error") if f["code"] == "rate_limited"]
        assert len(refused) >= 40, f"only {len(refused)} of 60 typing frames refused"
        await b.request({"type": "ping"})
        # Typing frames sent before the ping reached b before its pong (same thread order is not
        # guaranteed across connections, so wait for the last one to settle with a round trip).
        await a.request({"type": "ping"})
        await b.request({"type": "ping"})
        seen = b.take("typing")
        assert 1 <= len(seen) <= 20, len(seen)
        await a.close()
        await b.close()

    arun(scenario())
