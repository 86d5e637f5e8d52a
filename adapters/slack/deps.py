"""What the Slack listeners share: the core, the outbound port, the count refresher, the store."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from adapters.slack.admins import PeopleFacts
from adapters.slack.background import Background
from adapters.slack.platform import SlackPlatform
from adapters.slack.replies import PrivateReplies
from bot.drop_life.live_count import LiveCount
from bot.service.context import Core


@dataclass(frozen=True)
class SlackDeps:
    core: Core
    platform: SlackPlatform
    counts: LiveCount  # keeps the posted question's answer count current
    installations: AsyncInstallationStore | None  # None in single-workspace and socket modes
    replies: PrivateReplies
    background: Background
    ack_budget: float = 2.0  # seconds an answer may take before the click is acknowledged anyway
    people: PeopleFacts = field(default_factory=PeopleFacts)  # what users.info said, for a while
