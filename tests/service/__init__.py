"""The running service: the command line, start-up checks and HTTP endpoints."""
