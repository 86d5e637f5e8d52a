"""Tests of the Microsoft Teams door (real botbuilder SDK, loopback Bot Connector)."""
