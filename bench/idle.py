#!/usr/bin/env python3
"""bench/idle: what a `refreshctl run` with nothing due costs, the run cron
starts every minute. Applies --targets targets (default: 1,000 and 100,000
in turn) whose slots are all done, lets one run find that out, then prints
the median and best wall time of --repeat runs with nothing due, their peak
RSS, and `refreshctl --version` (the binary's own floor: process start and
its shared libraries) for scale; and how long `list` takes over them. A
benchmark, not a test: it prints figures and asserts nothing.

    bench/idle.py [--targets 1000 --targets 100000] [--repeat 11]
                  [--build build] [--db sqlite|postgres|URL]

--db as for bench/fanout.py.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fanout import ROOT, Database  # noqa: E402

# Schedules of several kinds whose next slot is hours or more away: the
# targets are new, so none of theirs is due before it (a new target never
# fires for older slots), however long the first run over them takes.
SCHEDULES = ["0 3 1 1 *", "30 2 1 * *", "15 4 * * 0", "45 5 29 2 *", "0 0 1 */3 *"]

TARGET = """[[target]]
name = "t{i:06d}"
data_type = "t{i:06d}"
versions = ["v1", "v2"]
schedule = "{schedule}"
timezone = "Europe/Berlin"

[target.refresh]
url = "http://127.0.0.1:9/api/refresh"
body = '{{"type": "{{{{data_type}}}}", "version": "{{{{version}}}}"}}'
job_id = "/jobId"

[target.status]
url = "http://127.0.0.1:9/api/status/{{{{job_id}}}}"
state = "/status"
succeeded = ["SUCCEEDED"]
failed = ["FAILED"]
"""


def peak_rss(argv):
    """The peak RSS in KiB of one run of argv, from GNU time (Debian's `time`):
    a child's own rusage would count the Python process it was forked from."""
    if not os.path.exists("/usr/bin/time"):
        return float("nan")
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + argv, check=True,
                       stdout=subprocess.DEVNULL)
        return int(out.read().split()[-1])


def measure(argv, repeat):
    """Median and best wall time in ms of `repeat` runs, and the peak RSS in KiB."""
    times = []
    for _ in range(repeat):
        start = time.monotonic()
        r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append((time.monotonic() - start) * 1000)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.decode()}")
    return statistics.median(times), min(times), peak_rss(argv)


def one_size(refreshctl, kind, targets, repeat):
    work = tempfile.mkdtemp(prefix="refreshctl-idle-")
    database = None
    try:
        database = Database(kind, work)
        db = database.spec
        path = os.path.join(work, "targets.toml")
        with open(path, "w") as f:
            for i in range(targets):
                f.write(TARGET.format(i=i, schedule=SCHEDULES[i % len(SCHEDULES)]) + "\n")
        start = time.monotonic()
        subprocess.run([refreshctl, "--db", db, "apply", "-f", path], check=True,
                       stdout=subprocess.DEVNULL)
        applied = time.monotonic() - start
        # The first run plans every target, finds nothing due, and records
        # until when each stays so (and takes the hourly retention's turn).
        start = time.monotonic()
        subprocess.run([refreshctl, "--db", db, "run", "-q"], check=True)
        first = time.monotonic() - start
        version = measure([refreshctl, "--version"], repeat)
        idle = measure([refreshctl, "--db", db, "run", "-q"], repeat)
        listing = measure([refreshctl, "--db", db, "list"], max(3, repeat // 3))
        print(f"targets:              {targets} ({kind}, {os.cpu_count()} cores; "
              f"apply {applied:.1f} s, first run {first * 1000:.0f} ms)")
        print(f"refreshctl --version: {version[0]:7.1f} ms median, {version[1]:7.1f} ms best, "
              f"{version[2] / 1024:5.1f} MiB peak RSS")
        print(f"run, nothing due:     {idle[0]:7.1f} ms median, {idle[1]:7.1f} ms best, "
              f"{idle[2] / 1024:5.1f} MiB peak RSS  ({idle[0] / version[0]:.2f}x --version)")
        print(f"list:                 {listing[0]:7.1f} ms median, {listing[1]:7.1f} ms best, "
              f"{listing[2] / 1024:5.1f} MiB peak RSS")
        sys.stdout.flush()
    finally:
        if database is not None:
            database.close()
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--targets", type=int, action="append")
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--db", default="sqlite",
                    help="sqlite, postgres (a throwaway cluster), or a PostgreSQL URL/conninfo")
    args = ap.parse_args()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    refreshctl = os.path.join(args.build, "refreshctl")
    for targets in args.targets or [1000, 100_000]:
        one_size(refreshctl, args.db, targets, args.repeat)


if __name__ == "__main__":
    main()
