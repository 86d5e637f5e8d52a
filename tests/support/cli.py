"""`studybot …` run inside the test process: its exit code and what it printed, without the
interpreter start-up and imports a subprocess pays for each command."""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from unittest import mock

from bot.cli import main


@dataclass(frozen=True)
class Ran:
    """What a command did, shaped like subprocess.CompletedProcess for the same assertions."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, env: dict[str, str]) -> Ran:
    """`studybot *args` with `env` over this process's environment, as a subprocess would get."""
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, env),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse refusing the arguments
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Ran(code, out.getvalue(), err.getvalue())
