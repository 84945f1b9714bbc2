#!/usr/bin/env python3
"""bench/history: the history at scale. Fills a database with --rows refreshes
(default 10 million) over --targets targets (default 10,000), a year of
history, and prints how long the read commands take on it (the median and the
best of --repeat runs of the real binary), then prunes 90% of it with
`refreshctl prune` and prints the batches' longest hold of the write lock.
A benchmark, not a test: it prints figures and asserts nothing.

    bench/history.py [--rows 10000000] [--targets 10000] [--repeat 5]
                     [--build build] [--db sqlite|postgres|URL] [--no-prune]

Rows are written behind refreshctl's back for speed (sqlite3 in one
transaction; psql COPY), with the secondary indexes dropped during the load
and made again after, as `refreshctl` itself created them. PostgreSQL is then
ANALYZEd, as autovacuum would have done on a database that grew over a year.
--db as for bench/fanout.py: sqlite (a new file), postgres (a throwaway
cluster, scripts/pg-test-cluster.sh), or a server's URL/conninfo.
"""
import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fanout import ROOT, Database  # noqa: E402

TARGET = """[[target]]
name = "t{i:05d}"
data_type = "t{i:05d}"
versions = ["v1"]
schedule = "0 3 1 1 *"

[target.refresh]
url = "http://127.0.0.1:9/api/refresh"

[target.status]
url = "http://127.0.0.1:9/api/status"
succeeded = ["SUCCEEDED"]
"""

COLUMNS = ("run_id, target, revision, version, slot, attempt, state, started_at, "
           "triggered_at, finished_at, deadline, polls, job_id, http_status, error")
YEAR_MS = 365 * 24 * 3600 * 1000
HOUR_MS = 3600 * 1000


def rows(count, targets, now_ms):
    """A year of refreshes up to now: each target every YEAR/per_target,
    targets staggered; 2% failed, 1% timed out, the rest succeeded."""
    per_target = max(1, count // targets)
    step = YEAR_MS // per_target
    start = now_ms - YEAR_MS
    n = 0
    for i in range(per_target):
        for t in range(targets):
            if n == count:
                return
            slot = start + i * step + (t * step) // targets
            slot -= slot % 1000
            n += 1
            state, error = "succeeded", ""
            if n % 50 == 0:
                state, error = "failed", "the cube said FAILED"
            elif n % 100 == 1:
                state, error = "timed_out", "no final state after 45m"
            run_id = max(0, slot - start) // HOUR_MS + 1
            yield (run_id, f"t{t:05d}", 1, "v1", slot, 0, state, slot, slot + 200,
                   slot + 60000, slot + 2700000, 12, f"job-{n}", 200, error)


# Each target's newest refresh (schema 10's target_last), made once after a
# bulk fill with the triggers that keep it set aside, as the migration does.
REBUILD_TARGET_LAST = (
    "DELETE FROM target_last; "
    "INSERT INTO target_last (target, refresh, started_at, state) "
    "SELECT f.target, f.id, f.started_at, f.state FROM targets t JOIN refreshes f ON f.id = ("
    "SELECT n.id FROM refreshes n WHERE n.target = t.name "
    "ORDER BY n.started_at DESC, n.id DESC LIMIT 1)")


def fill_sqlite(path, count, targets, now_ms):
    db = sqlite3.connect(path)
    indexes = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                         "AND tbl_name = 'refreshes' AND sql IS NOT NULL").fetchall()
    for name, _ in indexes:
        db.execute(f"DROP INDEX {name}")
    triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                          "AND tbl_name = 'refreshes'").fetchall()
    for name, _ in triggers:
        db.execute(f"DROP TRIGGER {name}")
    db.execute("BEGIN")
    runs = YEAR_MS // HOUR_MS + 2
    start = now_ms - YEAR_MS
    db.executemany("INSERT INTO runs (id, started_at, finished_at, host, pid, outcome) "
                   "VALUES (?, ?, ?, 'bench', 1, 'succeeded')",
                   ((i + 1, start + i * HOUR_MS, start + i * HOUR_MS + 60000)
                    for i in range(runs)))
    db.executemany(f"INSERT INTO refreshes ({COLUMNS}) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   rows(count, targets, now_ms))
    db.execute("COMMIT")
    for _, sql in indexes:
        db.execute(sql)
    for _, sql in triggers:
        db.execute(sql)
    db.executescript(REBUILD_TARGET_LAST)
    db.close()


def fill_postgres(database, count, targets, now_ms):
    out = subprocess.run(["psql", "-X", "-q", "-At", "-d", database.spec, "-c",
                          "SELECT indexname || '|' || indexdef FROM pg_indexes "
                          "WHERE tablename = 'refreshes' AND indexname NOT LIKE '%pkey' "
                          "AND indexname NOT LIKE '%key'"],
                         check=True, capture_output=True, text=True).stdout
    indexes = [line.split("|", 1) for line in out.splitlines() if line]
    psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database.spec]
    for name, _ in indexes:
        subprocess.run(psql + ["-c", f"DROP INDEX {name}"], check=True)
    # Row triggers over 10 M rows in one COPY would update each target's
    # target_last row a thousand times in one transaction.
    subprocess.run(psql + ["-c", "ALTER TABLE refreshes DISABLE TRIGGER USER"], check=True)
    runs = YEAR_MS // HOUR_MS + 2
    start = now_ms - YEAR_MS
    copy = subprocess.Popen(psql + ["-c", "COPY runs (id, started_at, finished_at, host, pid, "
                                    "outcome) FROM STDIN"], stdin=subprocess.PIPE, text=True)
    for i in range(runs):
        copy.stdin.write(f"{i + 1}\t{start + i * HOUR_MS}\t{start + i * HOUR_MS + 60000}"
                         "\tbench\t1\tsucceeded\n")
    copy.stdin.close()
    assert copy.wait() == 0
    copy = subprocess.Popen(psql + ["-c", f"COPY refreshes ({COLUMNS}) FROM STDIN"],
                            stdin=subprocess.PIPE, text=True)
    buf = []
    for r in rows(count, targets, now_ms):
        buf.append("\t".join(str(v) for v in r))
        if len(buf) == 10000:
            copy.stdin.write("\n".join(buf) + "\n")
            buf.clear()
    if buf:
        copy.stdin.write("\n".join(buf) + "\n")
    copy.stdin.close()
    assert copy.wait() == 0
    for _, sql in indexes:
        subprocess.run(psql + ["-c", sql], check=True)
    subprocess.run(psql + ["-c", "ALTER TABLE refreshes ENABLE TRIGGER USER"], check=True)
    subprocess.run(psql + ["-c", REBUILD_TARGET_LAST], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(psql + ["-c", "SELECT setval(pg_get_serial_sequence('runs', 'id'), "
                           "(SELECT max(id) FROM runs)); ANALYZE"],
                   check=True, stdout=subprocess.DEVNULL)


def time_command(argv, repeat):
    times = []
    for _ in range(repeat):
        start = time.monotonic()
        r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append((time.monotonic() - start) * 1000)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr}")
    return statistics.median(times), min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--targets", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--db", default="sqlite",
                    help="sqlite, postgres (a throwaway cluster), or a PostgreSQL URL/conninfo")
    ap.add_argument("--no-prune", action="store_true", help="skip the prune of 90%% of the rows")
    args = ap.parse_args()

    refreshctl = os.path.join(args.build, "refreshctl")
    work = tempfile.mkdtemp(prefix="refreshctl-history-")
    database = None
    try:
        database = Database(args.db, work)
        db = database.spec
        with open(os.path.join(work, "targets.toml"), "w") as f:
            for i in range(args.targets):
                f.write(TARGET.format(i=i) + "\n")
        subprocess.run([refreshctl, "--db", db, "apply", "-f", os.path.join(work, "targets.toml")],
                       check=True, stdout=subprocess.DEVNULL)
        now_ms = int(time.time() * 1000)
        start = time.monotonic()
        if args.db == "sqlite":
            fill_sqlite(db, args.rows, args.targets, now_ms)
        else:
            fill_postgres(database, args.rows, args.targets, now_ms)
        fill = time.monotonic() - start
        # The hourly retention has just run: `run` below measures a run with
        # nothing due, not a prune.
        retention = f"UPDATE retention SET last_started = {now_ms}"
        if args.db == "sqlite":
            con = sqlite3.connect(db)
            con.execute(retention)
            con.commit()
            con.close()
        else:
            subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", retention],
                           check=True, stdout=subprocess.DEVNULL)

        print(f"database:       {args.db if args.db in ('sqlite', 'postgres') else 'postgresql'}, "
              f"{os.cpu_count()} cores")
        print(f"history rows:   {args.rows} over {args.targets} targets (filled in {fill:.1f} s)")
        base = [refreshctl, "--db", db]
        middle = f"t{args.targets // 2:05d}"
        cases = [
            ("refreshctl --version", [refreshctl, "--version"]),
            ("history --limit 20", base + ["history", "--limit", "20"]),
            (f"history --target {middle} --limit 20",
             base + ["history", "--target", middle, "--limit", "20"]),
            ("history --state failed --since 1d", base + ["history", "--state", "failed",
                                                          "--since", "1d"]),
            ("history --state failed --limit 20", base + ["history", "--state", "failed",
                                                          "--limit", "20"]),
            (f"list ({args.targets} targets)", base + ["list"]),
            ("run (nothing due)", base + ["run", "-q"]),
        ]
        print(f"{'command':42} {'median ms':>10} {'best ms':>8}   ({args.repeat} runs)")
        for label, argv in cases:
            median, best = time_command(argv, args.repeat)
            print(f"{label:42} {median:10.1f} {best:8.1f}")
        if not args.no_prune:
            # Rows span a year evenly: those older than 36.5 days are 90%.
            start = time.monotonic()
            r = subprocess.run(base + ["--json", "prune", "--older-than", "876h"],
                               check=True, capture_output=True, text=True)
            took = time.monotonic() - start
            out = json.loads(r.stdout)
            print(f"prune --older-than 876h: {out['total']} rows in {took:.1f} s, "
                  f"{out['batches']} batches, longest batch {out['longest_batch_ms']} ms")
        return 0
    finally:
        if database is not None:
            database.close()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main())
