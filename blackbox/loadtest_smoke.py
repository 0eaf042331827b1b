#!/usr/bin/env python3
"""Smoke run of `boxoffice loadtest`: every scenario, briefly and small, against a fresh embedded server.
Proves the load generator and its invariant checks work; the numbers themselves are not asserted.

Usage: loadtest_smoke.py BINARY
"""
import shutil
import subprocess
import sys
import tempfile

from common import Server, check, summary

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
TOKEN = "loadtest-smoke-organizer"
RUNS = [
    ["attack"],
    ["flash-sale", "--size", "2000"],
    ["hot-seat", "--size", "5"],
    ["ga-rush", "--size", "1000"],
    ["seat-map", "--size", "2000"],
    ["watchers", "--size", "2000", "--watchers", "200"],
    ["best-available", "--size", "2000"],
    ["waiting-room", "--size", "1000"],
    ["checkin", "--size", "1000", "--gates", "8"],
]


def main():
    data_dir = tempfile.mkdtemp(prefix="boxoffice-loadtest-")
    try:
        server = Server(BINARY, data_dir, env={"BOXOFFICE_ORGANIZER_TOKEN": TOKEN})
        for run in RUNS:
            result = subprocess.run(
                [BINARY, "loadtest", *run, "--url", f"http://127.0.0.1:{server.port}", "--organizer-token", TOKEN,
                 "--clients", "16", "--duration", "2", "--requests", "20000"],
                capture_output=True, text=True, timeout=120,
            )
            report = result.stdout.strip()
            print("     " + report.replace("\n", "\n     "))
            check(f"loadtest {run[0]} runs and its invariants pass", result.returncode == 0 and "invariants   PASS" in report, result.stderr[-500:])
        refused = subprocess.run([BINARY, "loadtest", "attack", "--url", "http://192.0.2.1:8080", "--organizer-token", TOKEN],
                                 capture_output=True, text=True, timeout=30)
        check("loadtest refuses a target that is not this machine", refused.returncode != 0 and "loopback" in refused.stderr, refused.stderr[-300:])
        check("the server stops cleanly", server.stop() == 0)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return summary("loadtest smoke")


if __name__ == "__main__":
    sys.exit(main())
