"""The Microsoft Teams door: botbuilder-core behind our own /api/messages route."""
