#!/usr/bin/env python3
"""bench/fanout: N refreshes (targets x versions) of a fixed duration against
the example service on 127.0.0.1; prints the wall time, CPU time and peak RSS
of `refreshctl run`, and the ideal wall time (the duration plus one poll
interval); when the triggers left and the refreshes ended (from the
history, in seconds after the start); and the CPU time the example service
and (--db postgres) the PostgreSQL cluster spent meanwhile, on the same
cores. A benchmark, not a test: it prints figures and asserts nothing.

    bench/fanout.py [--targets 1000] [--versions 10] [--duration 5s]
                    [--poll-interval 2s] [--build build] [--db sqlite|postgres|URL]
                    [--runners 1] [--max-concurrency N]

--runners N starts N runs at once (as N hosts with the same crontab line
would), each with --max-concurrency (default: every refresh); the figures
are then the wall time to the last run's end, the runs' CPU time together,
the largest peak RSS, and how many triggers the service counted (exactly
one per refresh, whatever the number of runs).

--db sqlite (the default) uses a new SQLite file; --db postgres starts a
throwaway PostgreSQL cluster (scripts/pg-test-cluster.sh) for the run; a
postgresql:// URL or conninfo string names a server on which the benchmark
creates (and afterwards drops) a database of its own, so that its user must
be allowed to create databases.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

TARGET = """[[target]]
name = "t{i:05d}"
data_type = "t{i:05d}"
versions = [{versions}]
poll_interval = "{poll}"
max_poll_interval = "{poll}"
max_refresh_time = "10m"
max_concurrency = {nversions}

[target.refresh]
url = "{base}/api/refresh"
body = '{{"type": "{{{{data_type}}}}", "version": "{{{{version}}}}"}}'
job_id = "/jobId"

[target.status]
url = "{base}/api/status/{{{{job_id}}}}"
state = "/status"
succeeded = ["SUCCEEDED"]
failed = ["FAILED"]
"""


def seconds(text):
    units = {"ms": 0.001, "s": 1, "m": 60}
    for unit in ("ms", "s", "m"):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * units[unit]
    raise SystemExit(f"bad duration {text}")


ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def tree_cpu(pid):
    """CPU seconds of process `pid`, its children it has waited for, and its
    live children: a server's, with the sessions that have ended."""
    tick = os.sysconf("SC_CLK_TCK")

    def fields(p):
        with open(f"/proc/{p}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()

    try:
        own = fields(pid)
    except OSError:
        return 0.0
    total = sum(int(x) for x in own[11:15])
    for entry in os.listdir("/proc"):
        if entry.isdigit() and entry != str(pid):
            try:
                f = fields(entry)
            except OSError:
                continue
            if f[1] == str(pid):
                total += int(f[11]) + int(f[12])
    return total / tick


def database_spec(server, name):
    """`server` (a URL or conninfo string) with its database replaced by `name`."""
    if server.startswith(("postgresql://", "postgres://")):
        return urllib.parse.urlparse(server)._replace(path="/" + name).geturl()
    return f"{server} dbname={name}"


class Database:
    """The --db of the benchmark: a new SQLite file or a new PostgreSQL database."""

    def __init__(self, kind, work):
        self.kind, self.work, self.cluster, self.server, self.pid = kind, work, None, None, None
        if kind == "sqlite":
            self.spec = os.path.join(work, "bench.db")
            return
        if kind == "postgres":
            self.cluster = os.path.join(work, "pg")
            subprocess.run([os.path.join(ROOT, "scripts", "pg-test-cluster.sh"), "start",
                            self.cluster], check=True, stdout=subprocess.DEVNULL)
            self.server = open(os.path.join(self.cluster, "conninfo")).read().strip()
            self.pid = int(open(os.path.join(self.cluster, "pid")).read().strip())
        else:
            self.server = kind
        self.name = f"refreshctl_bench_{os.getpid()}"
        self.psql(f"CREATE DATABASE {self.name}")
        self.spec = database_spec(self.server, self.name)

    def psql(self, sql):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.server, "-c", sql],
                       check=True, stdout=subprocess.DEVNULL)

    def close(self):
        if self.server is not None:
            self.psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        if self.cluster is not None:
            subprocess.run([os.path.join(ROOT, "scripts", "pg-test-cluster.sh"), "stop",
                            self.cluster], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--targets", type=int, default=1000)
    ap.add_argument("--versions", type=int, default=10)
    ap.add_argument("--duration", default="5s")
    ap.add_argument("--poll-interval", default="2s")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--db", default="sqlite",
                    help="sqlite, postgres (a throwaway cluster), or a PostgreSQL URL/conninfo")
    ap.add_argument("--runners", type=int, default=1, help="runs started at once")
    ap.add_argument("--max-concurrency", type=int, help="each run's (default: every refresh)")
    args = ap.parse_args()

    refreshctl = os.path.join(args.build, "refreshctl")
    service_bin = os.path.join(args.build, "refreshctl-example-service")
    work = tempfile.mkdtemp(prefix="refreshctl-fanout-")
    port_file = os.path.join(work, "port")
    service = subprocess.Popen([service_bin, "--port", "0", "--port-file", port_file,
                                "--duration", args.duration, "--quiet"],
                               stdout=subprocess.DEVNULL)
    database = None
    try:
        database = Database(args.db, work)
        for _ in range(100):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.05)
        base = "http://127.0.0.1:" + open(port_file).read().strip()
        versions = ", ".join(f'"v{j}"' for j in range(args.versions))
        with open(os.path.join(work, "targets.toml"), "w") as f:
            for i in range(args.targets):
                f.write(TARGET.format(i=i, versions=versions, nversions=args.versions,
                                      poll=args.poll_interval, base=base) + "\n")
        db = database.spec
        subprocess.run([refreshctl, "--db", db, "apply", "-f", os.path.join(work, "targets.toml")],
                       check=True, stdout=subprocess.DEVNULL)

        n = args.targets * args.versions
        limit = args.max_concurrency or n
        logs, runs = [], []
        service_cpu = tree_cpu(service.pid)
        server_cpu = tree_cpu(database.pid) if database.pid else None
        start = time.monotonic()
        started = time.time()
        for r in range(args.runners):
            logs.append(open(os.path.join(work, f"run{r}.log"), "w"))
            runs.append(subprocess.Popen([refreshctl, "--db", db, "run", "--max-concurrency",
                                          str(limit)], stdout=logs[-1], stderr=subprocess.STDOUT))
        codes, cpu, utime, stime, rss, walls = [], 0.0, 0.0, 0.0, 0, []
        pending = {run.pid: run for run in runs}
        while pending:
            pid, status, usage = os.wait4(-1, 0)
            if pid not in pending:
                continue
            del pending[pid]
            walls.append(time.monotonic() - start)
            codes.append(os.waitstatus_to_exitcode(status))
            utime += usage.ru_utime
            stime += usage.ru_stime
            rss = max(rss, usage.ru_maxrss)
        wall = max(walls)
        service_cpu = tree_cpu(service.pid) - service_cpu
        if server_cpu is not None:
            time.sleep(0.2)  # the sessions' ends reaped
            server_cpu = tree_cpu(database.pid) - server_cpu
        code = max(codes)
        cpu = utime + stime
        hist = subprocess.run([refreshctl, "--db", db, "--json", "history", "--limit", str(n * 2)],
                              check=True, capture_output=True, text=True).stdout
        rows = json.loads(hist)
        succeeded = sum(1 for row in rows if row["state"] == "succeeded")
        with urllib.request.urlopen(base + "/api/stats") as answer:
            triggers = json.load(answer)["triggers"]
        triggered = sum(triggers.values())
        twice = sum(1 for count in triggers.values() if count > 1)
        ideal = seconds(args.duration) + seconds(args.poll_interval)
        print(f"database:       {args.db if args.db in ('sqlite', 'postgres') else 'postgresql'}, "
              f"{os.cpu_count()} cores")
        print(f"refreshes:      {n} ({args.targets} targets x {args.versions} versions), "
              f"{succeeded} succeeded, exit {code}")
        print(f"triggers:       {triggered} counted by the service, {twice} refreshes "
              f"triggered more than once")
        if args.runners > 1:
            print(f"runs:           {args.runners} at once, --max-concurrency {limit} each; "
                  f"ended after {', '.join(f'{w:.2f}' for w in sorted(walls))} s")
        print(f"refresh time:   {args.duration}, poll interval {args.poll_interval}")
        print(f"wall time:      {wall:.2f} s")
        print(f"ideal wall:     {ideal:.2f} s (duration + one poll interval)")
        print(f"wall / ideal:   {wall / ideal:.3f}")
        for what, key in (("triggered", "triggered_at"), ("finished", "finished_at")):
            at = sorted(datetime.datetime.fromisoformat(row[key]).timestamp() - started
                        for row in rows if row[key])
            if at:
                print(f"{what + ':':15} from {at[0]:.2f} s to {at[-1]:.2f} s after the start")
        print(f"cpu time:       {cpu:.2f} s (user {utime:.2f} s, sys {stime:.2f} s)")
        print(f"peak rss:       {rss / 1024:.1f} MiB")
        # The other processes on the same cores: what the wall time shares.
        print(f"service cpu:    {service_cpu:.2f} s (the example service)")
        if server_cpu is not None:
            print(f"server cpu:     {server_cpu:.2f} s (the PostgreSQL cluster)")
        return 0 if code == 0 and succeeded == n and triggered == n else 1
    finally:
        service.terminate()
        service.wait()
        if database is not None:
            database.close()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main())
