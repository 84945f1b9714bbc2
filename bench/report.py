#!/usr/bin/env python3
"""bench/report: how long `refreshctl report` takes, and how big the page is,
for a history of N refreshes. Targets are made with `refreshctl apply` (twice,
so that each has a second revision); the history is inserted with SQL into
`runs` and `refreshes`: hourly slots ending now, one lane per target and
version, mostly successes, some failures (retried once), timeouts, errors and
missed slots, error texts with markup in them. Prints the figures; asserts
nothing.

    bench/report.py [--targets 20] [--versions 5] [--refreshes 10000]
                    [--repeat 5] [--build build] [--keep]
"""
import argparse
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time

TARGET = """[[target]]
name = "{name}"
data_type = "{name}"
versions = [{versions}]
schedule = "0 * * * *"
max_refresh_time = "{max_time}"

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

HOUR_MS = 3_600_000


def apply(refreshctl, db, work, names, versions, max_time):
    path = os.path.join(work, "targets.toml")
    with open(path, "w") as f:
        for name in names:
            f.write(TARGET.format(name=name, versions=versions, max_time=max_time) + "\n")
    subprocess.run([refreshctl, "--db", db, "apply", "-f", path], check=True,
                   stdout=subprocess.DEVNULL)


def outcome(rng):
    """A final state, its error text, and its duration in ms."""
    roll = rng.random()
    if roll < 0.93:
        return "succeeded", "", rng.randint(30_000, 15 * 60_000)
    if roll < 0.96:
        return "failed", rng.choice([
            "refresh of sales/2026-11 failed on purpose",
            "segment build failed: <OutOfMemoryError> at \"stage 3\" & retry later",
            "upstream said: <script>alert(1)</script>"]), rng.randint(60_000, 10 * 60_000)
    if roll < 0.98:
        return "timed_out", ("no final state within max_refresh_time 45m "
                             "(last state RUNNING)"), 45 * 60_000
    if roll < 0.99:
        return "error", "status request: Connection refused (is the service up?)", 1_500
    return "missed", "slot older than starting_deadline 2h", 0


def fill(db, names, nversions, count, now_ms, seed):
    rng = random.Random(seed)
    con = sqlite3.connect(db)
    lanes = [(name, f"v{j}") for name in names for j in range(nversions)]
    slots = (count + len(lanes) - 1) // len(lanes)
    first_slot = (now_ms // HOUR_MS - slots) * HOUR_MS
    run_ids = {}
    rows = []
    i = 0
    for s in range(slots):
        slot = first_slot + s * HOUR_MS
        if slot not in run_ids:
            cur = con.execute("INSERT INTO runs (started_at, finished_at, host, pid, outcome) "
                              "VALUES (?, ?, ?, ?, ?)", (slot, slot + HOUR_MS // 2, "bench", 1, "ok"))
            run_ids[slot] = cur.lastrowid
        for name, version in lanes:
            if i >= count:
                break
            attempt, start = 0, slot + rng.randint(0, 5_000)
            while i < count:
                state, error, took = outcome(rng)
                revision = 1 if s < slots // 2 else 2
                triggered = None if state == "missed" else start + 40
                rows.append((run_ids[slot], name, revision, version, slot, attempt, state,
                             start, triggered, start + took, rng.randint(1, 40),
                             "" if state == "missed" else f"j-{i}",
                             0 if state == "missed" else 200, error))
                i += 1
                if state not in ("failed", "timed_out", "error") or attempt == 1:
                    break
                attempt, start = 1, start + took + 60_000  # one retry, a minute later
    con.executemany(
        "INSERT INTO refreshes (run_id, target, revision, version, slot, attempt, state, "
        "started_at, triggered_at, finished_at, polls, job_id, http_status, error) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()
    return len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--targets", type=int, default=20)
    ap.add_argument("--versions", type=int, default=5)
    ap.add_argument("--refreshes", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(__file__), "..", "build"))
    ap.add_argument("--keep", action="store_true", help="keep the database and the page")
    args = ap.parse_args()

    refreshctl = os.path.join(args.build, "refreshctl")
    work = tempfile.mkdtemp(prefix="refreshctl-report-")
    db = os.path.join(work, "bench.db")
    names = [f"t{i:04d}" for i in range(args.targets)]
    versions = ", ".join(f'"v{j}"' for j in range(args.versions))
    apply(refreshctl, db, work, names, versions, "45m")
    apply(refreshctl, db, work, names, versions, "50m")  # revision 2 of every target
    inserted = fill(db, names, args.versions, args.refreshes, int(time.time() * 1000), 42)

    page = os.path.join(work, "report.html")
    walls, cpus = [], []
    for _ in range(args.repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        subprocess.run([refreshctl, "--db", db, "report", "--limit", str(inserted), "-o", page],
                       check=True, stdout=subprocess.DEVNULL)
        walls.append(time.monotonic() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    size = os.path.getsize(page)
    print(f"refreshes:   {inserted} ({args.targets} targets x {args.versions} versions)")
    print(f"page:        {size} bytes ({size / 1e6:.2f} MB, {size / inserted:.0f} bytes a refresh)")
    print(f"wall time:   min {min(walls):.3f} s, median {statistics.median(walls):.3f} s, "
          f"max {max(walls):.3f} s over {args.repeat} runs")
    print(f"CPU time:    median {statistics.median(cpus):.3f} s")
    if args.keep:
        print(f"kept:        {work}")
    else:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
