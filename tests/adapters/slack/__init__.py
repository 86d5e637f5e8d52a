"""Tests of the Slack door: the real bolt app against a loopback fake of Slack's Web API."""
