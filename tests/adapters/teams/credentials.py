"""A credentials factory for tests: a fixed outbound token instead of a call to Entra ID."""

from __future__ import annotations

from typing import Any

from botframework.connector.auth import (  # type: ignore[import-untyped]
    PasswordServiceClientCredentialFactory,
)
from msrest.authentication import BasicTokenAuthentication


class StaticCredentials(PasswordServiceClientCredentialFactory):  # type: ignore[misc]
    """Validates app ids like the real factory but signs outbound calls with a fixed token."""

    def __init__(self, app_id: str, token: str) -> None:
        super().__init__(app_id, "unused", None)
        self._token = token

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> Any:
        if not await self.is_valid_app_id(app_id):
            raise PermissionError("invalid app id")
        return BasicTokenAuthentication({"access_token": self._token})
