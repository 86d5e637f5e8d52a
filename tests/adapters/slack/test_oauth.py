"""Distributed mode: OAuth install into our database, encrypted tokens, per-workspace auth."""

from __future__ import annotations

import re
import time

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import select

from adapters.slack.tables import slack_installations
from adapters.slack.translate import channel_ref
from bot.ports import DeliveryError
from tests.adapters.slack.conftest import OAUTH_KEY as KEY
from tests.adapters.slack.conftest import SlackHarness
from tests.adapters.slack.helpers import eventually, post_drop, stored_answers, study_channel


async def install(h: SlackHarness, code: str = "code-1") -> str:
    """Run the OAuth install of h.workspace through /slack/install; returns the state used."""
    page = await h.http.get("/slack/install")
    assert page.status_code == 200
    match = re.search(r"state=([A-Za-z0-9_\-]+)", page.text)
    assert match, page.text
    assert f"client_id={h.fake.client_id}" in page.text
    h.fake.oauth_codes[code] = h.workspace
    done = await h.http.get(f"/slack/oauth_redirect?code={code}&state={match.group(1)}")
    assert done.status_code == 200, done.text
    return match.group(1)


async def test_install_stores_the_bot_token_encrypted(oauth: SlackHarness) -> None:
    await install(oauth)
    assert oauth.fake.of("oauth.v2.access")
    async with oauth.core.db.read() as conn:
        row = (await conn.execute(select(slack_installations))).one()
    assert row.team_id == "T7"
    assert row.bot_user_id == "UBT7"
    assert oauth.workspace.token not in row.bot_token
    assert Fernet(KEY.encode()).decrypt(row.bot_token.encode()).decode() == oauth.workspace.token


async def test_an_oauth_state_works_once(oauth: SlackHarness) -> None:
    state = await install(oauth)
    oauth.fake.oauth_codes["code-2"] = oauth.workspace
    again = await oauth.http.get(f"/slack/oauth_redirect?code=code-2&state={state}")
    assert again.status_code == 400
    assert "code-2" in oauth.fake.oauth_codes  # the code was never exchanged


async def test_requests_use_the_installed_workspaces_token(oauth: SlackHarness) -> None:
    await install(oauth)
    await study_channel(oauth.core, team_id="T7", channel_id="C1")
    oauth.fake.add_user("UADMIN", admin=True)
    await oauth.command("drop", user="UADMIN", team_id="T7", response="d")
    await oauth.fake.wait_for(lambda: dict(oauth.fake.responses).get("d"), what="reply")
    (posted,) = oauth.fake.of("chat.postMessage")
    assert posted.token == oauth.workspace.token


async def test_a_workspace_that_never_installed_is_turned_away(oauth: SlackHarness) -> None:
    response = await oauth.command("help", team_id="T404", response="nope")
    assert response.status_code == 200
    reply = await oauth.fake.wait_for(lambda: dict(oauth.fake.responses).get("nope"), what="it")
    assert "studybot is not installed in this workspace" in reply["text"]
    assert oauth.fake.of("users.info") == []


async def test_uninstall_deletes_the_tokens(oauth: SlackHarness) -> None:
    await install(oauth)
    channel = await study_channel(oauth.core, team_id="T7", channel_id="C1")
    await oauth.event({"type": "app_uninstalled", "event_ts": "1.0"}, "EvU7", team_id="T7")

    async def gone() -> bool:
        async with oauth.core.db.read() as conn:
            return (await conn.execute(select(slack_installations))).first() is None

    await eventually(gone)
    with pytest.raises(DeliveryError) as caught:
        await oauth.door.platform.post_text(channel, "still there?")
    assert caught.value.permanent is True


async def test_a_grid_workspace_is_found_by_its_workspace_id_for_outbound_posts(
    oauth: SlackHarness,
) -> None:
    """Slack's requests name the Enterprise Grid org; the core's channels name only the team."""
    store = oauth.door.deps.installations
    assert store is not None
    await store.async_save(
        Installation(
            app_id="A1",
            enterprise_id="E1",
            team_id="T8",
            team_name="Grid team",
            bot_token="xoxb-T8-grid",
            bot_id="BT8",
            bot_user_id="UBT8",
            user_id="UINSTALLER",
        )
    )
    bot = await store.async_find_bot(enterprise_id="E1", team_id="T8")
    assert bot is not None
    assert bot.bot_token == "xoxb-T8-grid"
    assert await store.async_find_bot(enterprise_id="E2", team_id="T8") is None
    oauth.fake.add_workspace("T8")
    oauth.fake.workspaces["xoxb-T8-grid"] = oauth.fake.workspaces.pop("xoxb-T8-token")
    await oauth.door.platform.post_text(channel_ref("T8", "C1"), "hello grid")
    (posted,) = oauth.fake.of("chat.postMessage")
    assert posted.token == "xoxb-T8-grid"


async def test_an_expiring_rotated_token_is_refreshed_before_posting(oauth: SlackHarness) -> None:
    store = oauth.door.deps.installations
    assert store is not None
    ws = oauth.fake.add_workspace("T9")
    oauth.fake.refresh_tokens["xoxe-T9-first"] = ws
    await store.async_save(
        Installation(
            app_id="A1",
            team_id="T9",
            bot_token=ws.token,
            bot_id="BT9",
            bot_user_id="UBT9",
            bot_refresh_token="xoxe-T9-first",
            bot_token_expires_at=int(time.time()) + 60,
            user_id="UINSTALLER",
        )
    )
    channel = channel_ref("T9", "C1")
    await oauth.door.platform.post_text(channel, "first")
    (refresh,) = oauth.fake.of("oauth.v2.access")
    assert refresh.params["grant_type"] == "refresh_token"
    (posted,) = oauth.fake.of("chat.postMessage")
    assert posted.token is not None
    assert posted.token.startswith("xoxb-T9-rotated-")
    bot = await store.async_find_bot(enterprise_id=None, team_id="T9")
    assert bot is not None
    assert bot.bot_token == posted.token
    installation = await store.async_find_installation(enterprise_id=None, team_id="T9")
    assert installation is not None
    assert installation.user_id == "UINSTALLER"  # the installer survives the rotation
    await oauth.door.platform.post_text(channel, "second")  # fresh now: no second refresh
    assert len(oauth.fake.of("oauth.v2.access")) == 1
    assert oauth.fake.of("chat.postMessage")[-1].token == posted.token


async def test_a_refused_refresh_is_a_permanent_delivery_error(oauth: SlackHarness) -> None:
    store = oauth.door.deps.installations
    assert store is not None
    ws = oauth.fake.add_workspace("T10")
    await store.async_save(
        Installation(
            app_id="A1",
            team_id="T10",
            bot_token=ws.token,
            bot_id="B",
            bot_user_id="U",
            bot_refresh_token="xoxe-revoked",
            bot_token_expires_at=int(time.time()) + 60,
            user_id="UINSTALLER",
        )
    )
    with pytest.raises(DeliveryError) as caught:
        await oauth.door.platform.post_text(channel_ref("T10", "C1"), "hi")
    assert caught.value.permanent is True
    assert "invalid_refresh_token" in str(caught.value)
    assert oauth.fake.of("chat.postMessage") == []


async def _answerable(h: SlackHarness) -> str:
    """An open single-answer drop in T7's C1; the value of its first option's button."""
    channel = await study_channel(h.core, team_id="T7", channel_id="C1")
    card = await post_drop(h.core, channel, multiple=False)
    return f"{card.drop_id}:{card.options[0].id}"


async def _save_rotating(h: SlackHarness, token: str, refresh: str, expires_in: int) -> None:
    """T7 installed with token rotation on: `token` expires `expires_in` seconds from now."""
    store = h.door.deps.installations
    assert store is not None
    h.fake.workspaces[token] = h.workspace
    h.fake.refresh_tokens[refresh] = h.workspace
    await store.async_save(
        Installation(
            app_id="A1",
            team_id="T7",
            team_name="Fabrikam",
            bot_token=token,
            bot_id="BT7",
            bot_user_id="UBT7",
            bot_refresh_token=refresh,
            bot_token_expires_at=int(time.time()) + expires_in,
            user_id="UINSTALLER",
        )
    )


async def test_an_answer_click_makes_no_web_api_call_before_its_ack(oauth: SlackHarness) -> None:
    await install(oauth)
    value = await _answerable(oauth)
    before = len(oauth.fake.calls)
    response = await oauth.click(value, team_id="T7", response="ok")
    assert response.status_code == 200
    assert await stored_answers(oauth.core) == 1  # stored by the time the click is acked
    after = {c.method for c in oauth.fake.calls[before:]}
    assert after <= {"chat.update"}  # no auth.test; only the answer count, after the ack
    reply = await oauth.fake.wait_for(lambda: dict(oauth.fake.responses).get("ok"), what="reply")
    assert "not installed" not in reply["text"]
    assert "auth.test" not in [c.method for c in oauth.fake.calls[before:]]


async def test_a_rate_limited_slack_does_not_turn_a_click_away(oauth: SlackHarness) -> None:
    await install(oauth)
    value = await _answerable(oauth)
    for _ in range(3):
        oauth.fake.fail_next("auth.test", 429, "ratelimited", headers={"Retry-After": "30"})
    await oauth.click(value, team_id="T7", response="rl")
    reply = await oauth.fake.wait_for(lambda: dict(oauth.fake.responses).get("rl"), what="reply")
    assert "not installed" not in reply["text"]
    assert await stored_answers(oauth.core) == 1


async def test_a_commands_workspace_is_authorized_from_the_store(oauth: SlackHarness) -> None:
    """Everything auth.test would say is in the stored installation: bot ids and the token."""
    await install(oauth)  # bolt's install flow asks auth.test for the bot id once
    await study_channel(oauth.core, team_id="T7", channel_id="C1")
    await oauth.command("leaderboard", team_id="T7", response="lb")
    assert len(oauth.fake.of("auth.test")) == 1
    store = oauth.door.deps.installations
    assert store is not None
    await store.async_delete_bot(enterprise_id=None, team_id="T7")
    await oauth.command("help", team_id="T7", response="gone")
    reply = await oauth.fake.wait_for(lambda: dict(oauth.fake.responses).get("gone"), what="it")
    assert "studybot is not installed in this workspace" in reply["text"]


async def test_slack_failing_while_an_expired_token_is_refreshed_is_a_temporary_failure(
    oauth: SlackHarness,
) -> None:
    await install(oauth)
    value = await _answerable(oauth)
    await _save_rotating(oauth, "xoxb-T7-expired", "xoxe-T7-first", expires_in=-60)
    oauth.fake.fail_next("oauth.v2.access", 503, "service_unavailable")
    response = await oauth.click(value, team_id="T7", response="tmp")
    assert response.status_code == 200
    reply = await oauth.fake.wait_for(lambda: dict(oauth.fake.responses).get("tmp"), what="reply")
    assert "couldn't reach Slack" in reply["text"]
    assert "try again" in reply["text"]
    assert "not installed" not in reply["text"]
    assert await stored_answers(oauth.core) == 0  # and the member was told so
    await oauth.click(value, team_id="T7", response="again")  # Slack is back
    await oauth.fake.wait_for(lambda: dict(oauth.fake.responses).get("again"), what="reply")
    assert await stored_answers(oauth.core) == 1


async def test_a_token_that_expires_mid_day_is_rotated_and_the_day_goes_on(
    oauth: SlackHarness,
) -> None:
    """Morning: a fresh 12-hour token. Afternoon: it is due, so a click is answered at once
    and the token refreshed after the ack. Evening: the old token has expired at Slack, and
    posts and clicks use the rotated one."""
    await install(oauth)
    await _save_rotating(oauth, "xoxb-T7-morning", "xoxe-T7-first", expires_in=12 * 3600)
    value = await _answerable(oauth)
    assert oauth.fake.of("chat.postMessage")[-1].token == "xoxb-T7-morning"
    assert oauth.fake.of("oauth.v2.access") == [oauth.fake.of("oauth.v2.access")[0]]  # install

    await _save_rotating(oauth, "xoxb-T7-morning", "xoxe-T7-first", expires_in=90 * 60)
    await oauth.click(value, team_id="T7", response="noon")
    await oauth.fake.wait_for(lambda: dict(oauth.fake.responses).get("noon"), what="reply")
    assert await stored_answers(oauth.core) == 1
    await oauth.door.settle()
    refreshes = [c for c in oauth.fake.of("oauth.v2.access") if c.params.get("grant_type")]
    assert len(refreshes) == 1
    store = oauth.door.deps.installations
    assert store is not None
    bot = await store.async_find_bot(enterprise_id=None, team_id="T7")
    assert bot is not None
    assert bot.bot_token.startswith("xoxb-T7-rotated-")

    del oauth.fake.workspaces["xoxb-T7-morning"]  # expired at Slack
    oauth.fake.add_user("UADMIN", admin=True)
    await oauth.command("drop", user="UADMIN", team_id="T7", response="eve")
    reply = await oauth.fake.wait_for(lambda: dict(oauth.fake.responses).get("eve"), what="it")
    assert "is posted" in reply["text"], reply
    assert oauth.fake.of("chat.postMessage")[-1].token == bot.bot_token
    assert len(oauth.fake.of("auth.test")) == 1  # the install's
