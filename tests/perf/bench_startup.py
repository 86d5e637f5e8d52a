"""Benchmark: how fast the command line answers and the service starts, two builds side by side.

For this checkout and a baseline checkout (by default a `git worktree` of commit a3e0648, made in
a temporary folder and removed afterwards), in alternating rounds so the machine's drift hits
both alike, it measures the wall time of `studybot --help`, of `studybot schedule list` and of
`studybot serve` from start until /healthz answers 200, each on an already migrated SQLite
database with the real AZ-400 pack. Prints every round and the medians with their ratio. Usage:

    .venv/bin/python tests/perf/bench_startup.py [--rounds 5] [--baseline PATH | --commit SHA]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parents[2]
BASE_COMMIT = "a3e0648"


@contextmanager
def baseline_tree(path: Path | None, commit: str) -> Iterator[Path]:
    if path is not None:
        yield path.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="studybot-baseline-") as folder:
        tree = Path(folder) / "tree"
        subprocess.run(
            ["git", "-C", str(HERE), "worktree", "add", "--detach", "-q", str(tree), commit],
            check=True,
        )
        try:
            yield tree
        finally:
            subprocess.run(
                ["git", "-C", str(HERE), "worktree", "remove", "--force", str(tree)], check=False
            )


def _env(data: Path, tree: Path, port: int = 8000) -> dict[str, str]:
    return {
        **os.environ,
        "STUDYBOT_DATA_DIR": str(data),
        "STUDYBOT_CONTENT_DIR": str(tree / "content" / "az400"),
        "STUDYBOT_PORT": str(port),
        "STUDYBOT_LOG_LEVEL": "WARNING",
    }


def _command(tree: Path, *args: str) -> list[str]:
    # the tree's own `bot` package comes first on sys.path (cwd), so each build runs its code
    return [sys.executable, "-m", "bot.cli", *args]


def timed_run(tree: Path, data: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        _command(tree, *args), cwd=tree, env=_env(data, tree), check=True, capture_output=True
    )
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def time_to_healthz(tree: Path, data: Path) -> float:
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen(
        _command(tree, "serve"),
        cwd=tree,
        env={**_env(data, tree, port), "STUDYBOT_SCHEDULER": "off"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = start + 60
        while time.perf_counter() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    return time.perf_counter() - start
            except httpx.TransportError:
                time.sleep(0.02)
        raise RuntimeError("the service did not answer /healthz within 60 s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


MEASURES: dict[str, Callable[[Path, Path], float]] = {
    "--help": lambda tree, data: timed_run(tree, data, "--help"),
    "schedule list": lambda tree, data: timed_run(tree, data, "schedule", "list"),
    "serve to /healthz": time_to_healthz,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="a checkout to compare with")
    parser.add_argument("--commit", default=BASE_COMMIT, help="baseline commit for a worktree")
    args = parser.parse_args()
    with baseline_tree(args.baseline, args.commit) as base, tempfile.TemporaryDirectory() as tmp:
        builds = {"baseline": base, "this": HERE}
        data = {name: Path(tmp) / name for name in builds}
        for name, tree in builds.items():  # a migrated database for each build
            timed_run(tree, data[name], "migrate")
        results: dict[str, dict[str, list[float]]] = {m: {b: [] for b in builds} for m in MEASURES}
        for round_no in range(1, args.rounds + 1):
            order = list(builds) if round_no % 2 else list(reversed(builds))
            line = []
            for measure, run in MEASURES.items():
                for name in order:
                    seconds = run(builds[name], data[name])
                    results[measure][name].append(seconds)
                    line.append(f"{measure} {name} {seconds:.2f}s")
            print(f"round {round_no}: " + ", ".join(line), flush=True)
    print()
    heading = f"median of {args.rounds} rounds"
    print(f"{heading:<22}{'baseline':>10}{'this':>10}{'ratio':>8}")
    for measure, per_build in results.items():
        base_s = statistics.median(per_build["baseline"])
        this_s = statistics.median(per_build["this"])
        print(f"{measure:<22}{base_s:>9.2f}s{this_s:>9.2f}s{base_s / this_s:>7.1f}×")


if __name__ == "__main__":
    main()
