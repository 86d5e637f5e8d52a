"""Tables the Slack door keeps (installations, OAuth state), on the shared schema metadata."""
