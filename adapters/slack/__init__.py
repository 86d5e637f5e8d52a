"""The Slack door: a slack-bolt app that turns Slack requests into core commands and back."""
