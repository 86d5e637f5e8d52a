"""Sentences every door answers with, made once in the core: a study admin change and a
dashboard link."""

from __future__ import annotations

from bot.service.admins import admin_change_text
from bot.service.dashboard_links import DashboardLink


def test_one_person_added_or_removed() -> None:
    assert admin_change_text(["Ada"], True) == "Ada is now a study admin."
    assert (
        admin_change_text(["Ada"], False, "of #study")
        == "Ada is no longer a study admin of #study."
    )


def test_several_people_read_as_a_list() -> None:
    assert admin_change_text(["Ada", "Bob"], True) == "Ada and Bob are now study admins."
    assert (
        admin_change_text(["Ada", "Bob", "Cy"], False)
        == "Ada, Bob and Cy are no longer study admins."
    )


def test_a_dashboard_link_says_its_role_and_how_long_it_lasts() -> None:
    link = DashboardLink("manager", "https://studybot.example/d?t=abc")
    assert link.message == (
        "Your manager link to the studybot dashboard (just for you, valid for 24 hours): "
        "https://studybot.example/d?t=abc"
    )
