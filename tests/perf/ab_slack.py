"""Benchmark: two builds of the Slack door side by side, with the bare bolt app as the yardstick.

Starts the bare app, the baseline build (a checkout of another commit, e.g. made with
`git worktree add /tmp/baseline HEAD~1`) and this checkout's build, and saturates them in
alternating rounds (64 requests in flight, fresh members each round), so the machine's drift
hits all three alike. Prints each round's throughput, the median server CPU per click, and the
medians of the paired ratios. Usage:

    .venv/bin/python tests/perf/ab_slack.py --baseline /tmp/baseline [--rounds 6]
        [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(HERE))

from tests.perf import bench_slack as bench  # noqa: E402
from tests.support.databases import bench_database  # noqa: E402


async def run(args: argparse.Namespace) -> None:
    fake = bench.FakeSlack(validate=False)
    fake.add_workspace(bench.TEAM, "Bench")
    await fake.start()
    async with bench_database(args.database_url) as db:
        servers = {
            "bare": await bench.start_server("bare", fake.api_url, db.url, db.schema),
            "baseline": await bench.start_server(
                "studybot", fake.api_url, db.url, db.schema, root=args.baseline.resolve()
            ),
            "this": await bench.start_server("studybot", fake.api_url, db.url, db.schema),
        }
        try:
            results: dict[str, list[bench.Result]] = {name: [] for name in servers}
            for round_ in range(-1, args.rounds):  # round -1 warms every server up
                names = ["bare", "baseline", "this"] if round_ % 2 else ["bare", "this", "baseline"]
                for name in names:
                    server = servers[name]
                    drop = server.drops[1] if server.drops else None
                    tag = f"{name}{round_}x"
                    n = 100 if round_ < 0 else args.saturation
                    clicks = bench.signed_clicks(fake, drop, n, 0, tag, 100 + round_)
                    replies = bench.wait_replies(fake, tag, n) if drop else None
                    result = await bench.measured(
                        server, bench.closed_loop(server.url, clicks, 64), replies
                    )
                    if round_ >= 0:
                        results[name].append(result)
            print(f"database: {db.dialect}; {args.rounds} rounds of {args.saturation} clicks")
            for name, runs in results.items():
                cpu = statistics.median(1000 * r.server_cpu / len(r.latencies) for r in runs)
                rates = " ".join(f"{r.throughput:5.0f}" for r in runs)
                print(f"  {name:<8} throughput/s {rates}   server CPU ms/click {cpu:.2f}")
            for a, b in (("baseline", "bare"), ("this", "bare"), ("this", "baseline")):
                ratios = [
                    x.throughput / y.throughput for x, y in zip(results[a], results[b], strict=True)
                ]
                listed = " ".join(f"{r:.2f}" for r in ratios)
                print(f"  {a} / {b}: {listed}; median {statistics.median(ratios):.2f}")
        finally:
            for server in servers.values():
                await server.stop()
            await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--saturation", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
