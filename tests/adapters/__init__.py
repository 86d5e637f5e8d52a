"""Adapter tests: the real Slack and Bot Framework SDKs against loopback fakes of their APIs."""
