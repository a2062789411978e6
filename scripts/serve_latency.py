#!/usr/bin/env python3
"""End-to-end edit latency of `niemyet serve`: from saving a procedure file to the server
answering with the changed page, as a staff member's browser sees it (watcher, settle delay,
incremental rebuild and HTTP included). Heavy on a big site: never run in CI.

usage: scripts/serve_latency.py SITE_DIR [EDITS]
  SITE_DIR holds content/ (e.g. from `python3 scripts/gen_site.py 10000 SITE_DIR`).
  Needs `cargo build --release` first; prints the median, min and max over EDITS edits
  (default 11) of a provincial and of a commune procedure.
"""
import glob
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("NIEMYET_BIN") or os.path.join(ROOT, "target", "release", "niemyet")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=120):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode("utf-8")


def main():
    site = sys.argv[1]
    edits = int(sys.argv[2]) if len(sys.argv) > 2 else 11
    content = os.path.join(site, "content")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [BIN, "serve", "--content", content, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        start = time.monotonic()
        while True:
            try:
                version = json.loads(get(f"{base}/__niemyet/wait"))["version"]
                break
            except OSError:
                if server.poll() is not None or time.monotonic() - start > 300:
                    sys.exit("the server did not start")
                time.sleep(0.1)
        print(f"first build served after {time.monotonic() - start:.1f} s")
        files = sorted(glob.glob(os.path.join(content, "procedures", "**", "*.yaml"), recursive=True))
        picks = {}
        for f in files:
            text = open(f, encoding="utf-8").read()
            for level in ("province", "commune"):
                if level not in picks and f"\nlevel: {level}\n" in text:
                    picks[level] = (f, text)
            if len(picks) == 2:
                break
        data = json.loads(get(f"{base}/data/procedures.json"))
        records = data["procedures"] if isinstance(data, dict) else data
        for level, (f, original) in picks.items():
            code = next(l for l in original.splitlines() if l.startswith("code:")).split(":", 1)[1]
            code = code.strip().strip('"')
            rec = next(r for r in records if r.get("code") == code)
            url = f"{base}/{rec['url']}"
            times = []
            try:
                for i in range(edits):
                    marker = f"Sửa lần {i} lúc {time.time_ns()}."
                    text = original.replace("summary: |\n  ", f"summary: |\n  {marker} ", 1)
                    assert text != original, f"{f} has no block summary"
                    t0 = time.monotonic()
                    with open(f, "w", encoding="utf-8") as out:
                        out.write(text)
                    while True:
                        status = json.loads(get(f"{base}/__niemyet/wait?v={version}"))
                        version = status["version"]
                        if status["errors"]:
                            sys.exit(f"the edit gave errors: {status['errors']}")
                        if marker in get(url):
                            break
                    times.append((time.monotonic() - t0) * 1e3)
                    time.sleep(0.2)
            finally:
                with open(f, "w", encoding="utf-8") as out:
                    out.write(original)
                json.loads(get(f"{base}/__niemyet/wait?v={version}"))
                version = json.loads(get(f"{base}/__niemyet/wait"))["version"]
            print(
                f"save → changed page served, {level} procedure: median {statistics.median(times):.1f} ms, "
                f"min {min(times):.1f} ms, max {max(times):.1f} ms over {edits} edits"
            )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
