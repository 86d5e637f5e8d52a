"""Who a Slack person is: users.info (name, time zone, workspace admin or owner), remembered."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from cachetools import TTLCache
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.delivery_errors import error_code
from bot.service.commands import Actor

log = logging.getLogger("studybot.slack")

PLATFORM = "slack"
REFUSAL = (
    "Only workspace admins and owners, and the study admins they name for this channel, "
    "can do that. Nothing was changed."
)
FACTS_SECONDS = 10 * 60.0  # how long what users.info said about a person is trusted
MAX_PEOPLE = 10_000  # people remembered at once; the least recently used go first


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str
    timezone: str | None
    workspace_admin: bool


UNKNOWN_PERSON = ("user_not_found", "user_not_visible")  # users.info's answers for no such person


class IdentityUnavailable(Exception):
    """Slack could not say who a person is (rate limited, down, or an error): try again; or
    Slack knows no such person (`reason` in UNKNOWN_PERSON), where trying again will not help."""

    def __init__(self, reason: str, who: str = "you are") -> None:
        if reason in UNKNOWN_PERSON:
            super().__init__(
                f"Slack does not know who {who} ({reason}), so nothing was changed. Name people "
                "with an @-mention of someone in this workspace."
            )
            return
        super().__init__(
            f"Slack couldn't confirm who {who} just now ({reason}), so nothing was changed. "
            "Please try again in a minute."
        )


async def look_up(client: AsyncWebClient, user_id: str, who: str = "you are") -> SlackUser:
    """The person's name, time zone and whether Slack says they administer the workspace.

    IdentityUnavailable when users.info fails: a failure never makes an admin a non-admin.
    """
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as exc:
        log.warning("users.info failed for a user: %s", error_code(exc))
        raise IdentityUnavailable(error_code(exc), who) from None
    except (TimeoutError, SlackClientError, aiohttp.ClientError, OSError) as exc:
        log.warning("users.info could not be reached: %s", type(exc).__name__)
        raise IdentityUnavailable("Slack did not answer", who) from None
    user: dict[str, Any] = response.get("user") or {}
    profile: dict[str, Any] = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("name") or user_id
    return SlackUser(
        id=user_id,
        name=str(name),
        timezone=user.get("tz") if isinstance(user.get("tz"), str) else None,
        workspace_admin=bool(
            user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
        ),
    )


class PeopleFacts:
    """What users.info last said about a person in a workspace, for FACTS_SECONDS.

    The schedule modal's submission must be acknowledged within 3 s; the /studybot command that
    opened the modal looked the person up already, so the submission reads that instead.
    """

    def __init__(
        self, lifetime: float = FACTS_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._facts: TTLCache[tuple[str, str], SlackUser] = TTLCache(
            MAX_PEOPLE, lifetime, timer=clock
        )

    def get(self, team_id: str, user_id: str) -> SlackUser | None:
        return self._facts.get((team_id, user_id))

    def put(self, team_id: str, user: SlackUser) -> None:
        self._facts[(team_id, user.id)] = user

    async def look_up(self, client: AsyncWebClient, team_id: str, user_id: str) -> SlackUser:
        """users.info, remembered (IdentityUnavailable when it fails)."""
        user = await look_up(client, user_id)
        self.put(team_id, user)
        return user


def slack_actor(team_id: str, user: SlackUser) -> Actor:
    """The person as the core's policy sees them: what users.info said, nothing decided here."""
    return Actor(PLATFORM, team_id, user.id, workspace_admin=user.workspace_admin)
