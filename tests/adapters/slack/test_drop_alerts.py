"""A drop Slack refuses for good is told to the channel's study admins in the app's DM."""

from __future__ import annotations

from adapters.slack.platform import SlackPlatform, StaticToken
from adapters.slack.translate import channel_ref
from bot.drop_life.start_close import start_drop
from bot.service.admins import set_study_admin
from bot.service.commands import StartDrop
from tests.adapters.slack.conftest import SlackHarness
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.helpers import study_channel
from tests.integration.test_engine import engine
from tests.support.actors import OPERATOR


async def test_post_direct_posts_in_the_apps_dm_with_the_person(fake_slack: FakeSlack) -> None:
    ws = fake_slack.add_workspace("T1")
    fake_slack.add_user("UADA")
    platform = SlackPlatform(StaticToken(ws.token), fake_slack.api_url)
    ts = await platform.post_direct(channel_ref("T1", "C1"), "UADA", "Question #3 <failed>")
    (call,) = fake_slack.of("chat.postMessage")
    assert call.params["channel"] == "UADA"  # the user id: Slack opens the app's DM itself
    assert call.token == ws.token
    assert ("DUADA", ts) in fake_slack.messages
    assert call.params["text"] == "Question #3 <failed>"
    assert call.params["blocks"][0]["text"]["text"] == "Question #3 &lt;failed&gt;"


async def test_a_failed_drop_reaches_each_study_admin_by_dm(slack: SlackHarness) -> None:
    core, fake = slack.core, slack.fake
    channel = await study_channel(core)
    for user in ("UADA", "UBOB"):
        fake.add_user(user)
        await set_study_admin(core, channel, user, f"Name {user}", True, actor=OPERATOR)
    fake.add_user("UCARL")  # in the workspace, not a study admin
    await start_drop(core, StartDrop(channel, deliver_later=True))
    fake.fail_next("chat.postMessage", 200, "channel_not_found")
    assert (await engine(core).tick()).failed == 1
    assert sorted(user for user, _, _ in fake.directs) == ["UADA", "UBOB"]
    for _, _, body in fake.directs:
        assert "could not post question #1 to study-C1" in body["text"]
        assert "Slack refused to post a question: HTTP 200, channel_not_found" in body["text"]
        assert "What to do: Check that the channel still exists" in body["text"]
    posts = fake.of("chat.postMessage")
    assert [c.params["channel"] for c in posts] == ["C1", "UADA", "UBOB"]

    await start_drop(core, StartDrop(channel, deliver_later=True))  # the same day: no new DMs
    fake.fail_next("chat.postMessage", 200, "channel_not_found")
    assert (await engine(core).tick()).failed == 1
    assert len(fake.directs) == 2
