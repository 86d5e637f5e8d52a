"""Finds files shipped with studybot: inside the installed package, or at the top of a checkout."""

from __future__ import annotations

from pathlib import Path

CHECKOUT_ROOT = Path(__file__).resolve().parent.parent


def shipped(package_dir: Path, packaged: str, in_checkout: str) -> Path:
    """The copy the wheel carries under `package_dir` (see setup.py), else the checkout's own."""
    inside = package_dir / packaged
    return inside if inside.is_dir() else CHECKOUT_ROOT / in_checkout
