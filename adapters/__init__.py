"""The doors into the study core: Slack, Microsoft Teams and the web."""
