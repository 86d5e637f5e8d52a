"""The Slack door reads drop ids from buttons with the core's id rules: ASCII digits only,
inside the database's integer range (anything else is a malformed payload, not a drop)."""

from __future__ import annotations

import pytest

from adapters.slack.translate import MalformedPayload, answer_from_button, answer_from_checkboxes
from adapters.teams.translate import MalformedActionError, answer_choice

BAD = ["2147483648", "999999999999", "１", "٣", "0"]


@pytest.mark.parametrize("bad", BAD)
def test_slack_buttons_with_impossible_drop_ids_are_malformed(bad: str) -> None:
    with pytest.raises(MalformedPayload, match="digits 0-9"):
        answer_from_button(f"{bad}:a")
    with pytest.raises(MalformedPayload, match="digits 0-9"):
        answer_from_checkboxes(bad, None, "b", "a")


@pytest.mark.parametrize("bad", [*BAD, 2**31, " 1", "+1", "1_0"])
def test_teams_card_data_with_impossible_drop_ids_is_malformed(bad: object) -> None:
    with pytest.raises(MalformedActionError, match="digits 0-9"):
        answer_choice({"drop": bad, "option": "a"})


def test_good_ids_still_read() -> None:
    assert answer_from_button("2147483647:a") == (2147483647, "a")
    assert answer_from_checkboxes("12", None, "b", "a") == (12, ())
    assert answer_choice({"drop": "12", "option": "a"}) == (12, ("a",))
    assert answer_choice({"drop": 12, "options": "a,b"}) == (12, ("a", "b"))
