"""The web door: health check and the playground channel over HTTP."""
