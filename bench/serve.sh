#!/usr/bin/env bash
# The load test of `gonogo serve`: PUSHERS concurrent pushers (default 50)
# send REPORTS reports in all (default 10,000), each a distinct small
# report of one of the pushers' repositories, to a service on 127.0.0.1
# over SQLite (or DATABASE, e.g. postgres://…). It then checks that the
# service holds every report (none lost), and prints the throughput and
# the latencies (median, p99), and how long the dashboard's pages take over
# that many repositories. Timings are reported, never asserted.
#
#   bash bench/serve.sh                     # dev build, SQLite
#   PUSHERS=50 REPORTS=10000 bash bench/serve.sh --release
#
# Needs python3 (Debian's) for the pushers: one keep-alive connection each.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=debug
if [ "${1:-}" = --release ]; then cargo build -q --release -p gonogo; profile=release; else cargo build -q -p gonogo; fi
bin="target/$profile/gonogo"
pushers="${PUSHERS:-50}"
reports="${REPORTS:-10000}"
work="$(mktemp -d)"
trap 'kill "$server" 2> /dev/null || true; rm -rf "$work"' EXIT
database="${DATABASE:-sqlite://$work/serve.db}"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for i in $(seq 1 "$pushers"); do
  "$bin" serve token create "load/repo-$i" --database "$database" 2> /dev/null >> "$work/tokens"
done
"$bin" serve --listen "127.0.0.1:$port" --database "$database" 2> "$work/serve.log" &
server=$!
for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2> /dev/null && break; sleep 0.1; done
python3 - "$port" "$work/tokens" "$reports" <<'PY'
import http.client, json, sys, threading, time
port, tokens, total = int(sys.argv[1]), open(sys.argv[2]).read().split(), int(sys.argv[3])
rules = [{"id": f"rule-{i}", "title": f"Rule {i}", "status": "pass" if i % 5 else "fail",
          "enforcement": "block", "severity": "high", "area": "Load"} for i in range(40)]
latencies, failures, lock = [], [], threading.Lock()
def pusher(index, token, count):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for n in range(count):
        body = json.dumps({"schema": "gonogo.report/v1", "gonogo_version": "load", "pack": {"name": "load"},
            "target": {"path": ".", "commit": f"{index:04d}{n:036d}", "branch": "main"}, "environment": "production",
            "decision": {"verdict": "no-go", "go": False, "blocking": ["rule-0"], "warnings": [], "fail_on": "block",
                         "counts": {"pass": 32, "fail": 8, "skip": 0, "error": 0}},
            "rules": rules, "checks": []}).encode()
        started = time.perf_counter()
        connection.request("POST", "/api/v1/reports", body, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        answer = connection.getresponse(); answer.read()
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            if answer.status != 201: failures.append(answer.status)
per = [total // len(tokens) + (1 if i < total % len(tokens) else 0) for i in range(len(tokens))]
threads = [threading.Thread(target=pusher, args=(i, t, c)) for i, (t, c) in enumerate(zip(tokens, per))]
started = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
wall = time.perf_counter() - started
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
connection.request("GET", f"/api/v1/reports?limit=100000")
stored = len(json.loads(connection.getresponse().read())["reports"])
pages = {}
for page in ["/", "/exceptions", "/campaigns"]:
    started = time.perf_counter()
    connection.request("GET", page); connection.getresponse().read()
    pages[page] = (time.perf_counter() - started) * 1000
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
print(f"{len(tokens)} pushers, {total} reports of 40 rules in {wall:.1f} s: {total / wall:.0f} reports/s; "
      f"latency median {pick(0.5):.1f} ms, p99 {pick(0.99):.1f} ms; refused {len(failures)}; stored {stored} of {total}; "
      f"pages over {len(tokens)} repositories: " + ", ".join(f"{p} {ms:.0f} ms" for p, ms in pages.items()))
sys.exit(0 if stored == total and not failures else 1)
PY
