"""What a study admin can do about a drop that never reached the channel, read from its reason."""

from __future__ import annotations

import re

SCHEDULE_PAGE = (
    "The schedule page of the studybot dashboard lists the missed questions (the dashboard "
    "command gives you a link)."
)

_NOT_INSTALLED = re.compile(
    r"not installed|invalid_auth|not_authed|token_revoked|token_expired|account_inactive"
    r"|app_uninstalled|no chat platform|HTTP 401|Unauthorized|credentials",
    re.IGNORECASE,
)
_CHANNEL_GONE = re.compile(
    r"channel_not_found|is_archived|not_in_channel|channel_is_archived|restricted_action"
    r"|missing_scope|HTTP 403|HTTP 404|Forbidden|NotFound|BotNotInConversation",
    re.IGNORECASE,
)
_TOO_LATE = re.compile(r"too late|grace period|gave up after", re.IGNORECASE)


def what_to_do(reason: str, platform: str, status: str = "failed") -> str:
    """One or two sentences a study admin can act on, for a drop that failed or was skipped."""
    if status == "skipped":
        return (
            "Nothing to do here: studybot was not running when the question was due, so it was "
            "not posted late. If it happens again, tell whoever runs studybot."
        )
    if _NOT_INSTALLED.search(reason):
        if platform == "teams":
            return "Add the studybot app to the team again (a team owner can do it in Teams)."
        if platform == "slack":
            return "Reinstall studybot in the workspace (a workspace admin can do it)."
        return "Connect studybot to this workspace again."
    if _CHANNEL_GONE.search(reason):
        if platform == "teams":
            return (
                "Check that the channel still exists and that the studybot app is still in the "
                "team; add it to the team again if it was removed."
            )
        return (
            "Check that the channel still exists and is not archived, and that studybot is "
            "still in it (invite it with /invite @studybot)."
        )
    if _TOO_LATE.search(reason):
        return (
            "The platform kept refusing or could not be reached until it was too late to post. "
            "The next question goes out as usual; if this repeats, tell whoever runs studybot."
        )
    return (
        "Check that studybot is still installed and in the channel; if it keeps failing, tell "
        "whoever runs studybot (its log has the full error)."
    )
