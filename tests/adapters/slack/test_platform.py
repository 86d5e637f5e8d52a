"""The outbound port on Slack: what it sends, and how each failure becomes a DeliveryError."""

from __future__ import annotations

import pytest

from adapters.slack.platform import InstalledTokens, SlackPlatform, StaticToken
from adapters.slack.translate import channel_ref
from bot.drop_life.reading import show_drop
from bot.ports import DeliveryError
from tests.adapters.slack.conftest import SlackHarness
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.helpers import post_drop, study_channel
from tests.support.announcement_views import digest, result

CHANNEL = channel_ref("T1", "C1")


def _platform(fake: FakeSlack) -> SlackPlatform:
    ws = fake.add_workspace("T1")
    return SlackPlatform(StaticToken(ws.token), fake.api_url)


async def test_post_text_returns_the_message_ts(fake_slack: FakeSlack) -> None:
    ts = await _platform(fake_slack).post_text(CHANNEL, "Hello <team> & friends")
    (call,) = fake_slack.of("chat.postMessage")
    assert ("C1", ts) in fake_slack.messages
    assert call.params["text"] == "Hello <team> & friends"
    assert call.params["blocks"][0]["text"]["text"] == "Hello &lt;team&gt; &amp; friends"


async def test_the_daily_result_and_digest_are_posted_as_block_kit(fake_slack: FakeSlack) -> None:
    platform = _platform(fake_slack)
    ts = await platform.post_daily_result(CHANNEL, result())
    digest_ts = await platform.post_weekly_digest(CHANNEL, digest())
    first, second = fake_slack.of("chat.postMessage")
    assert {("C1", ts), ("C1", digest_ts)} <= set(fake_slack.messages)
    assert first.params["text"].startswith("Question #42 (D1 Pipelines) has closed: 15 answered")
    assert first.params["blocks"][0]["text"]["text"].startswith("*Question #42")
    assert second.params["text"].startswith("Last week's leaderboard (02 Mar – 08 Mar 2026)")
    assert second.params["blocks"][0]["type"] == "header"


async def test_429_is_transient_with_retry_after_and_is_not_retried(fake_slack: FakeSlack) -> None:
    platform = _platform(fake_slack)
    fake_slack.fail_next("chat.postMessage", 429, "ratelimited", headers={"Retry-After": "7"})
    with pytest.raises(DeliveryError) as caught:
        await platform.post_text(CHANNEL, "hi")
    assert caught.value.permanent is False
    assert caught.value.retry_after == 7.0
    assert len(fake_slack.of("chat.postMessage")) == 1  # no retry, no sleep inside the port


@pytest.mark.parametrize("status", [500, 502, 503, 412])
async def test_server_errors_are_transient(fake_slack: FakeSlack, status: int) -> None:
    platform = _platform(fake_slack)
    fake_slack.fail_next("chat.postMessage", status, body="<html>upstream error</html>")
    with pytest.raises(DeliveryError) as caught:
        await platform.post_text(CHANNEL, "hi")
    assert caught.value.permanent is False
    assert len(fake_slack.of("chat.postMessage")) == 1


@pytest.mark.parametrize(
    "error",
    [
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "token_revoked",
        "account_inactive",
        "invalid_auth",
        "missing_scope",
    ],
)
async def test_refusals_that_will_not_change_are_permanent(
    fake_slack: FakeSlack, error: str
) -> None:
    platform = _platform(fake_slack)
    fake_slack.fail_next("chat.postMessage", 200, error)
    with pytest.raises(DeliveryError) as caught:
        await platform.post_text(CHANNEL, "hi")
    assert caught.value.permanent is True
    assert error in str(caught.value)


@pytest.mark.parametrize("status", [403, 404])
async def test_forbidden_and_not_found_are_permanent(fake_slack: FakeSlack, status: int) -> None:
    platform = _platform(fake_slack)
    fake_slack.fail_next("chat.update", status, body="nope")
    with pytest.raises(DeliveryError) as caught:
        await platform.update(CHANNEL, "1.0", {"text": "x"}, "update")
    assert caught.value.permanent is True


async def test_a_revoked_token_is_permanent(fake_slack: FakeSlack) -> None:
    platform = SlackPlatform(StaticToken("xoxb-revoked"), fake_slack.api_url)
    with pytest.raises(DeliveryError) as caught:
        await platform.post_text(CHANNEL, "hi")
    assert caught.value.permanent is True
    assert "invalid_auth" in str(caught.value)


async def test_an_unreachable_slack_is_transient() -> None:
    platform = SlackPlatform(StaticToken("xoxb-1"), "http://127.0.0.1:9/api/")
    with pytest.raises(DeliveryError) as caught:
        await platform.post_text(CHANNEL, "hi")
    assert caught.value.permanent is False


async def test_a_workspace_without_an_installation_is_permanent(slack: SlackHarness) -> None:
    from cryptography.fernet import Fernet

    from adapters.slack.installations import EncryptedInstallationStore, TokenCipher

    store = EncryptedInstallationStore(
        slack.core.db, TokenCipher((Fernet.generate_key().decode(),)), slack.core.clock
    )
    platform = SlackPlatform(InstalledTokens(store), slack.fake.api_url)
    with pytest.raises(DeliveryError) as caught:
        await platform.post_text(CHANNEL, "hi")
    assert caught.value.permanent is True
    assert slack.fake.calls == []


async def test_updating_a_message_that_is_gone_is_permanent(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel)
    with pytest.raises(DeliveryError) as caught:
        await slack.door.platform.update_count(
            channel, "999.000", await show_drop(slack.core, card.drop_id, channel)
        )
    assert caught.value.permanent is True
    assert "message_not_found" in str(caught.value)


async def test_a_posted_question_is_found_again_by_its_metadata(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    first = await post_drop(slack.core, channel)
    await slack.door.platform.post_text(channel, "chatter")
    second = await post_drop(slack.core, channel)
    platform = slack.door.platform
    first_ts = await platform.find_question(channel, first.drop_id)
    second_ts = await platform.find_question(channel, second.drop_id)
    assert first_ts is not None
    assert second_ts is not None
    assert first_ts != second_ts
    assert slack.fake.messages[("C1", first_ts)]["metadata"]["event_payload"]["drop_id"] == (
        first.drop_id
    )
    assert await platform.find_question(channel, 999_999) is None


async def test_a_failed_lookup_is_a_delivery_error_not_a_miss(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    slack.fake.fail_next("conversations.history", 429, "ratelimited", headers={"Retry-After": "3"})
    with pytest.raises(DeliveryError) as caught:
        await slack.door.platform.find_question(channel, 1)
    assert caught.value.permanent is False
    assert caught.value.retry_after == 3.0


async def test_a_lookup_since_a_time_reads_only_from_then_one_small_page(
    slack: SlackHarness,
) -> None:
    from datetime import UTC, datetime

    channel = await study_channel(slack.core)
    first = await post_drop(slack.core, channel)
    first_ts = await slack.door.platform.find_question(channel, first.drop_id)
    assert first_ts is not None
    later = datetime.fromtimestamp(float(first_ts) + 0.0005, UTC)  # after the first post
    second = await post_drop(slack.core, channel)
    platform = slack.door.platform
    assert await platform.find_question(channel, second.drop_id, since=later) is not None
    assert await platform.find_question(channel, first.drop_id, since=later) is None
    call = slack.fake.of("conversations.history")[-1]
    assert float(call.params["oldest"]) == pytest.approx(later.timestamp())
    assert int(call.params["limit"]) == 15
