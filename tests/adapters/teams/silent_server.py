"""A loopback listener that accepts connections and never answers (a hung key server)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class SilentServer:
    """Accepts and reads, answers nothing; lets go of its connections after `hold` seconds
    (or on close) so a blocked caller finally fails instead of hanging the test run."""

    def __init__(self, hold: float) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/openid"
        self.accepted = 0
        self._released = threading.Event()
        self._connections: list[socket.socket] = []
        self._hold = hold
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def released(self) -> bool:
        return self._released.is_set()

    def start(self) -> None:
        self._thread.start()
        threading.Thread(target=self._release_after_hold, daemon=True).start()

    def _release_after_hold(self) -> None:
        if not self._released.wait(self._hold):
            self.close()

    def _serve(self) -> None:
        while not self._released.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self._connections.append(connection)
            self.accepted += 1

    def drop_connections(self) -> None:
        """Hang up on every caller so far (they fail at once); keep listening and counting."""
        connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()

    def close(self) -> None:
        self._released.set()
        for connection in self._connections:
            connection.close()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()


@contextmanager
def silent_server(hold: float = 30.0) -> Iterator[SilentServer]:
    server = SilentServer(hold)
    server.start()
    try:
        yield server
    finally:
        server.close()
