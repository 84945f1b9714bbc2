#!/usr/bin/env python3
"""Reads the Prometheus text format on stdin with the reference parser
(python3-prometheus-client) and prints its families as JSON:
[{"name", "type", "samples": [{"name", "labels", "value"}]}]. A text the
parser refuses exits non-zero with its message."""
import json
import os
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    # A Python of its own (pyenv, venv) may not see Debian's package.
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("prometheus_parse: python3-prometheus-client is not installed "
          "(apt-get install python3-prometheus-client)", file=sys.stderr)
    sys.exit(3)

families = []
for family in text_string_to_metric_families(sys.stdin.read()):
    families.append({
        "name": family.name,
        "type": family.type,
        "samples": [{"name": s.name, "labels": s.labels, "value": s.value}
                    for s in family.samples],
    })
json.dump(families, sys.stdout)
