"""Socket Mode: the same bolt app over Slack's WebSocket, for local use without a public URL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from adapters.slack.app import SlackDoor
from adapters.slack.delivery_errors import error_code
from adapters.slack.settings import SlackMode
from bot.errors import SettingsError


class SocketModeConnection:
    """Connects the door to Slack with the app-level token; close it on shutdown."""

    def __init__(self, door: SlackDoor) -> None:
        if door.settings.mode is not SlackMode.SOCKET or door.settings.app_token is None:
            raise ValueError("Socket Mode needs STUDYBOT_SLACK_MODE=socket and an app token")
        self._app_token = door.settings.app_token
        self._handler = AsyncSocketModeHandler(door.app, self._app_token)
        # bolt leaves these two untyped; name their types once here.
        self._connect: Callable[[], Awaitable[None]] = self._handler.connect_async
        self._close: Callable[[], Awaitable[None]] = self._handler.close_async

    async def start(self) -> None:
        """Check the app token, then open the WebSocket (the client reconnects on its own).

        slack_sdk retries a refused token forever; checking first turns that into one clear error.
        """
        try:
            await self._handler.client.web_client.apps_connections_open(app_token=self._app_token)
        except SlackApiError as exc:
            await self._close()
            raise SettingsError(
                f"STUDYBOT_SLACK_APP_TOKEN was refused by Slack ({error_code(exc)}); it needs the "
                "connections:write scope and Socket Mode switched on for the app"
            ) from None
        await self._connect()

    async def close(self) -> None:
        await self._close()
