#!/usr/bin/env python3
"""Where an embedded server's CPU goes in a flash sale, per request, for BENCHMARKS.md.

Usage: profile_flash_sale.py BINARY [--label NAME] [LOADTEST_ARGS...]   (e.g. --tokens)
Starts a fresh embedded server, runs `loadtest flash-sale` for 12 s and, 4 s in, records it with `perf record -g`
for 5 s while reading its CPU time from /proc. Prints requests/s and server CPU µs per request, then the inclusive
µs per request (the function and all it calls) of the parts the tokens comparison in BENCHMARKS.md splits the time
into. The recording stays in /tmp/boxoffice-profile-NAME.data for `perf report`.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from bench import TOKEN, loadtest  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "blackbox"))
from common import Server  # noqa: E402

PARTS = [
    ("SQLite's statements", "SQLiteNIO0A10ConnectionC5query"),
    ("the admission step", "AdmissionV5admit"),
    ("the token", "AuthenticatorV9principal"),
    ("writing the answer", "FlashSaleChannelHandlerC7respond"),
    ("RequestWatcher reads", "RequestWatcherC11channelRead"),
    ("  of which the fast path's", "FlashSaleChannelHandlerC11channelRead"),
    ("RequestWatcher writes", "RequestWatcherC5write"),
    ("  of which the HTTP codec's", "ToHTTPServerCodecC5write"),
    ("signing a guest's token", "TokenCodecV4sign"),
]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--label", default="run")
    args, extra = parser.parse_known_args()
    data = os.path.join(tempfile.mkdtemp(prefix="boxoffice-profile-"), "data")
    server = Server(args.binary, data, env={"BOXOFFICE_ORGANIZER_TOKEN": TOKEN, "BOXOFFICE_DEMO": "false",
                                            "BOXOFFICE_LOG_LEVEL": "error", "BOXOFFICE_RATE_LIMITS": "off"})
    recording = f"/tmp/boxoffice-profile-{args.label}.data"
    result = {}
    load = threading.Thread(target=lambda: result.update(row=loadtest(args.binary, server.port, "flash-sale", 12, extra)))
    try:
        load.start()
        time.sleep(4)
        pid = server.process.pid
        cpu_before, started = cpu_seconds(pid), time.time()
        subprocess.run(["perf", "record", "-F", "2000", "-g", "-p", str(pid), "-o", recording, "--", "sleep", "5"],
                       capture_output=True, check=True)
        cores = (cpu_seconds(pid) - cpu_before) / (time.time() - started)
        load.join()
    finally:
        server.stop()
    row = result["row"]
    if not row["throughput"]:
        sys.exit(f"the load test printed no throughput:\n{row['raw']}")
    per_second = float(row["throughput"][0].replace(",", ""))
    micros = cores / per_second * 1e6
    print(f"{args.label}: {per_second:,.0f} requests/s, server {cores:.3f} cores, {micros:.1f} µs of CPU a request")
    report = subprocess.run(["perf", "report", "-i", recording, "--children", "--sort", "symbol", "-g", "none",
                             "--percent-limit", "0.2", "--stdio"], capture_output=True, text=True).stdout
    for name, symbol in PARTS:
        shares = [float(m.group(1)) for m in re.finditer(r"^\s+([\d.]+)%\s+[\d.]+%\s+\[.\]\s+(\S+)", report, re.M)
                  if symbol in m.group(2)]
        print(f"  {name:28} {max(shares, default=0) * micros / 100:5.1f} µs")


if __name__ == "__main__":
    main()
