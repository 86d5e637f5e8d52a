"""The web door: health checks, the local playground channel, dashboards and the JSON API."""
