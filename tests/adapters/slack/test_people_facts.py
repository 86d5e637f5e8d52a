"""What users.info said about a person is kept for a while, per workspace, then asked again."""

from __future__ import annotations

from adapters.slack.admins import PeopleFacts, SlackUser

ADA = SlackUser("U1", "Ada", "Europe/Berlin", workspace_admin=True)


def test_facts_are_kept_for_their_lifetime_and_per_workspace() -> None:
    now = [100.0]
    facts = PeopleFacts(lifetime=600.0, clock=lambda: now[0])
    facts.put("T1", ADA)
    now[0] += 599.0
    assert facts.get("T1", "U1") == ADA
    assert facts.get("T2", "U1") is None  # the same user id in another workspace is not Ada
    now[0] += 1.0
    assert facts.get("T1", "U1") is None  # asked again once the lifetime is over
