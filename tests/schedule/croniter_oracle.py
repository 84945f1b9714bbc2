#!/usr/bin/env python3
"""Compares `refreshctl next` with croniter (python3-croniter 1.3.5) on random
cron expressions and start times, in UTC.

croniter is only a test oracle here, and it differs from Vixie cron in a few
places, so the generator writes only expressions that both define the same
way:
  - croniter decides the day-of-month/day-of-week OR rule on the expanded
    value set ("1-31" counts as "*", "*/2" does not); Vixie cron on whether
    the field text starts with '*'. Restricted day fields here never start
    with '*' and never cover every value; unrestricted ones are exactly '*'.
  - croniter's sixth field is seconds at the END; ours is at the start.
  - croniter maps day-of-week 7 to Sunday only in five-field expressions.
  - croniter has no W, no L-n, no '?', and spells "last Friday" differently;
    its '#' may not be mixed with plain days or a restricted day-of-month.
  - with both day fields restricted, croniter raises instead of using the
    day-of-week when the day-of-month alone never matches (31 in April).

Usage: croniter_oracle.py PATH/TO/refreshctl [--cases N] [--seed S]
Exits 1 on any mismatch, printing each one.
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import random
import subprocess
import sys

try:
    from croniter import croniter, CroniterBadDateError
except ImportError:
    # A Python of its own (pyenv, venv) may not see Debian's python3-croniter.
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("croniter_oracle: python3-croniter is not installed "
          "(apt-get install python3-croniter)", file=sys.stderr)
    sys.exit(1)

UTC = datetime.timezone.utc
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


def numeric_field(rng, lo, hi):
    """Any syntax for a field without day semantics."""
    kind = rng.random()
    if kind < 0.25:
        return "*"
    if kind < 0.45:
        return str(rng.randint(lo, hi))
    if kind < 0.6:
        return "*/%d" % rng.randint(2, max(2, (hi - lo) // 2))
    a = rng.randint(lo, hi)
    b = rng.randint(a, hi)
    if kind < 0.75:
        return "%d-%d" % (a, b)
    if kind < 0.85:
        return "%d-%d/%d" % (a, b, rng.randint(1, 7))
    if kind < 0.9:
        return "%d/%d" % (a, rng.randint(1, 20))
    return ",".join(str(v) for v in sorted(rng.sample(range(lo, hi + 1), rng.randint(2, 4))))


def month_field(rng):
    if rng.random() < 0.2:
        a = rng.randint(1, 12)
        b = rng.randint(a, 12)
        return "%s-%s" % (MONTHS[a - 1], MONTHS[b - 1].upper())
    return numeric_field(rng, 1, 12)


def restricted_day_of_month(rng, top=31):
    """Never starts with '*' and never covers all 31 days."""
    kind = rng.random()
    if kind < 0.3:
        return str(rng.randint(1, top))
    if kind < 0.45:
        a = rng.randint(1, top - 2)
        return "%d-%d" % (a, rng.randint(a, top - 1))
    if kind < 0.6:
        return "%d-%d/%d" % (rng.randint(1, 10), rng.randint(15, top), rng.randint(2, 9))
    if kind < 0.7 and top == 31:
        return "L"
    return ",".join(str(v) for v in sorted(rng.sample(range(1, top + 1), rng.randint(2, 4))))


def restricted_day_of_week(rng, allow_seven):
    """Never starts with '*' and never covers all 7 days."""
    top = 7 if allow_seven else 6
    while True:
        kind = rng.random()
        if kind < 0.3:
            text = str(rng.randint(0, top))
        elif kind < 0.45:
            text = DAYS[rng.randint(0, 6)].upper() if rng.random() < 0.5 else DAYS[rng.randint(0, 6)]
        elif kind < 0.7:
            a = rng.randint(0, top - 1)
            b = rng.randint(a, top)
            text = "%d-%d" % (a, b) if rng.random() < 0.6 else "%s-%s" % (DAYS[a], DAYS[b % 7])
        else:
            text = ",".join(str(v) for v in sorted(rng.sample(range(0, top + 1), rng.randint(2, 3))))
        covered = expand_days(text)
        if len(covered) < 7:
            return text


def expand_days(text):
    days = set()
    for item in text.split(","):
        parts = item.split("-")
        values = [DAYS.index(p.lower()) if p.lower() in DAYS else int(p) for p in parts]
        if len(values) == 2 and values[1] == 0 and values[0] > 0:
            values[1] = 7
        lo, hi = values[0], values[-1]
        days.update(v % 7 for v in range(lo, hi + 1))
    return days


def day_fields(rng, allow_seven):
    kind = rng.random()
    if kind < 0.35:
        return "*", "*"
    if kind < 0.55:
        return restricted_day_of_month(rng), "*"
    if kind < 0.75:
        return "*", restricted_day_of_week(rng, allow_seven)
    if kind < 0.85:
        return "*", "%d#%d" % (rng.randint(0, 6), rng.randint(1, 5))
    # Both restricted: the OR rule. croniter gives up when the day-of-month
    # alone can never match (the 31st in April) instead of using the
    # day-of-week, so these days exist in every month.
    return restricted_day_of_month(rng, top=28), restricted_day_of_week(rng, allow_seven)


def random_case(rng):
    """(our expression, croniter's expression, start time)."""
    with_seconds = rng.random() < 0.15
    minute = numeric_field(rng, 0, 59)
    hour = numeric_field(rng, 0, 23)
    dom, dow = day_fields(rng, allow_seven=not with_seconds)
    month = month_field(rng)
    five = [minute, hour, dom, month, dow]
    start = datetime.datetime(2020, 1, 1, tzinfo=UTC) + datetime.timedelta(
        seconds=rng.randint(0, 15 * 365 * 86400))
    if with_seconds:
        second = numeric_field(rng, 0, 59)
        return " ".join([second] + five), " ".join(five + [second]), start
    return " ".join(five), " ".join(five), start


def oracle_times(expression, start, count):
    """The fire times, and whether the list was cut at five years."""
    it = croniter(expression, start)
    times = []
    previous = start
    try:
        for _ in range(count):
            t = it.get_next(datetime.datetime)
            if t - previous > datetime.timedelta(days=5 * 365):
                return times, True  # beyond refreshctl's five-year horizon
            times.append(rfc3339(t.astimezone(UTC)))
            previous = t
    except CroniterBadDateError:
        pass
    return times, False


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def refreshctl_times(binary, expression, start, count):
    proc = subprocess.run(
        [binary, "--json", "next", "--count", str(count), "--from", rfc3339(start), expression],
        capture_output=True, text=True, timeout=30)
    if proc.returncode == 2 and "never fires" in proc.stderr:
        return [], None
    if proc.returncode != 0:
        return None, "exit %d: %s" % (proc.returncode, proc.stderr.strip())
    return json.loads(proc.stdout), None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    cases = [random_case(rng) for _ in range(args.cases)]
    mismatches = []
    compared = 0

    def check(case):
        ours_text, theirs_text, start = case
        expected, cut = oracle_times(theirs_text, start, args.count)
        got, error = refreshctl_times(args.binary, ours_text, start, args.count)
        if error is None and cut:
            got = got[:len(expected)]
        return case, expected, got, error

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for case, expected, got, error in pool.map(check, cases):
            compared += len(expected)
            if error is not None or got != expected:
                mismatches.append((case, expected, got, error))

    for (ours_text, theirs_text, start), expected, got, error in mismatches[:30]:
        print("MISMATCH %r (croniter %r) from %s" % (ours_text, theirs_text, rfc3339(start)))
        print("  croniter:   %s" % expected)
        print("  refreshctl: %s" % (error or got))
    passed = len(cases) - len(mismatches)
    print("croniter_oracle: %d expressions, %d fire times compared, %d mismatches (seed %d)"
          % (len(cases), compared, len(mismatches), args.seed))
    print("%d passed, %d failed" % (passed, len(mismatches)))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
