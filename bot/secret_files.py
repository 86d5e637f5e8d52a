"""Settings read from files, as container platforms mount secrets: STUDYBOT_X_FILE=/path sets
STUDYBOT_X to the file's content (surrounding whitespace and the final newline removed)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.errors import SettingsError

PREFIX, SUFFIX = "STUDYBOT_", "_FILE"


def with_secret_files(env: Mapping[str, str]) -> Mapping[str, str]:
    """`env` with every STUDYBOT_…_FILE replaced by the value read from its file."""
    files = {
        name: path.strip()
        for name, path in env.items()
        if name.startswith(PREFIX) and name.endswith(SUFFIX) and path.strip()
    }
    if not files:
        return env
    resolved = dict(env)
    for name, path in sorted(files.items()):
        target = name.removesuffix(SUFFIX)
        if (env.get(target) or "").strip():
            raise SettingsError(f"{target} and {name} are both set; keep only one of them")
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
            raise SettingsError(
                f"{name}: cannot read {path} ({reason}); point it at a readable file that holds "
                f"the value of {target}"
            ) from None
        if not value:
            raise SettingsError(f"{name}: {path} is empty; it must hold the value of {target}")
        resolved[target] = value
    return resolved
