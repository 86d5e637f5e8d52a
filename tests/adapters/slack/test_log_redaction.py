"""No log level carries a token, a signing or client secret, a response URL or a dashboard link:
a whole OAuth-mode run (install, drop, click, dashboard) is captured at DEBUG and searched."""

from __future__ import annotations

import logging

import pytest

from adapters.web.access import dashboard_link
from adapters.web.dashboard_settings import DashboardSettings
from bot.observability import redaction as log_redaction
from tests.adapters.slack.conftest import OAUTH_KEY, SIGNING_SECRET, SlackHarness
from tests.adapters.slack.helpers import post_drop, stored_answers, study_channel
from tests.adapters.slack.test_oauth import install


async def test_a_whole_run_at_debug_logs_no_secret_and_no_link(
    oauth: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # bolt's loggers took the root's level when the door was built; open them all to DEBUG
    for name in [*log_redaction.LOGGERS, *logging.root.manager.loggerDict]:
        if log_redaction.watched(name):
            caplog.set_level(logging.DEBUG, logger=name)
    settings = DashboardSettings(secret="d" * 40, public_url="https://study.example.org")
    links: list[str] = []

    def link(*, platform: str, workspace: str, role: str) -> str:
        made = dashboard_link(
            settings, platform=platform, workspace=workspace, role=role, now=oauth.core.clock.now()
        )
        links.append(made)
        return made

    oauth.core.dashboard_links = link
    await install(oauth)
    channel = await study_channel(oauth.core, team_id="T7", channel_id="C1")
    oauth.fake.add_user("UADMIN", admin=True)
    await oauth.command("drop", user="UADMIN", team_id="T7", response="drop-url")
    await oauth.fake.wait_for(lambda: dict(oauth.fake.responses).get("drop-url"), what="drop")
    card = await post_drop(oauth.core, channel, multiple=False)
    await oauth.click(f"{card.drop_id}:{card.options[0].id}", team_id="T7", response="click-url")
    await oauth.fake.wait_for(lambda: dict(oauth.fake.responses).get("click-url"), what="reply")
    await oauth.command("dashboard", user="UADMIN", team_id="T7", response="dash-url")
    reply = await oauth.fake.wait_for(lambda: dict(oauth.fake.responses).get("dash-url"))
    await oauth.door.settle()
    assert await stored_answers(oauth.core) == 1
    (made,) = links
    assert made in reply["text"]  # the member got the link; the log must not

    text = caplog.text
    records = caplog.records
    assert any(r.name.startswith("slack_sdk") for r in records)  # DEBUG output was captured
    assert any(r.name.startswith("slack_bolt") for r in records)
    forbidden = {
        "bot token": oauth.workspace.token,
        "signing secret": SIGNING_SECRET,
        "client secret": oauth.fake.client_secret,
        "token key": OAUTH_KEY,
        "dashboard link": made,
        "dashboard token": made.split("token=")[1],
        "response URL": oauth.fake.base_url + "/response/",
    }
    found = [what for what, value in forbidden.items() if value in text]
    assert found == []
    assert "xoxb-" not in text
    assert "[redacted]" in text  # response URLs were logged, and redacted


def test_redact_keeps_web_api_methods_and_drops_everything_else() -> None:
    log_redaction.install(["a-configured-secret"])
    line = (
        "POST https://slack.com/api/chat.postMessage token=xoxb-1-2-abc refresh xoxe.xoxb-1-9 "
        "app xapp-1-A-1 to https://hooks.slack.com/actions/T1/123/abc and "
        "<https://study.example.org/dashboard/enter?token=eyJ.sig|link> a-configured-secret "
        'json "https:\\/\\/hooks.slack.com\\/commands\\/T1\\/9\\/z"'
    )
    assert log_redaction.redact(line) == (
        "POST https://slack.com/api/chat.postMessage token=[token] refresh [token] "
        "app [token] to https://hooks.slack.com/[redacted] and "
        "<https://study.example.org/[redacted]|link> [secret] "
        'json "https:\\/\\/hooks.slack.com/[redacted]"'
    )
