#!/usr/bin/env python3
"""Time from saving one post to the browser being told to reload.

    bench/serve_latency.py [N ...]          default: 1000 10000

For each size it generates the benchmark corpus (bench/gen_corpus.py) once,
then, for each contender, starts its preview server on 127.0.0.1, listens the
way a browser does, and saves a post's body REPS times (a changed sentence,
written in place), timing each save until the reload message arrives:

  rounds        `rounds serve` (incremental), reload over server-sent events
  rounds-full   `rounds serve --full-rebuilds`, the same without incremental
  hugo          `hugo server` (its default fast-render mode), reload over its
                livereload WebSocket

Each save waits for the previous one to settle (SETTLE seconds with no
message), so a save never queues behind another. Prints a table and writes
target/bench/serve-latency.json.

Environment: REPS (default 15), ROUNDS_BIN (default target/release/rounds),
SKIP_HUGO=1, SETTLE (default 1.0 s; raised for full rebuilds of large sites).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "bench"
REPS = int(os.environ.get("REPS", "15"))
SETTLE = float(os.environ.get("SETTLE", "1.0"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        # The port may be bound before the first build ends: wait for an answer.
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if s.recv(12).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start")


class Listener:
    """Collects (arrival time, message) from a reload channel on a thread."""

    def __init__(self) -> None:
        self.messages: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    def add(self, text: str) -> None:
        with self.lock:
            self.messages.append((time.monotonic(), text))

    def after(self, t: float, wanted: str) -> float | None:
        with self.lock:
            for at, text in self.messages:
                if at >= t and wanted in text:
                    return at
        return None

    def last(self) -> float:
        with self.lock:
            return self.messages[-1][0] if self.messages else 0.0


def listen_sse(port: int, listener: Listener) -> None:
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /_rounds/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")

    def run() -> None:
        buffer = b""
        while True:
            data = s.recv(65536)
            if not data:
                return
            buffer += data
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if line.startswith(b"event: "):
                    listener.add(line.decode().strip())

    threading.Thread(target=run, daemon=True).start()


def listen_livereload(port: int, listener: Listener) -> None:
    """A minimal WebSocket client for Hugo's /livereload (RFC 6455)."""
    s = socket.create_connection(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(
        (
            "GET /livereload HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += s.recv(4096)
    if b" 101 " not in response.split(b"\r\n", 1)[0]:
        raise RuntimeError(f"livereload refused: {response[:200]!r}")
    rest = response.split(b"\r\n\r\n", 1)[1]

    def send_text(text: str) -> None:
        payload = text.encode()
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        header = bytes([0x81])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        else:
            header += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        s.sendall(header + mask + masked)

    send_text(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))

    def run(buffer: bytes) -> None:
        def need(n: int) -> bytes:
            nonlocal buffer
            while len(buffer) < n:
                data = s.recv(65536)
                if not data:
                    raise EOFError
                buffer += data
            out, buffer = buffer[:n], buffer[n:]
            return out

        try:
            while True:
                b0, b1 = need(2)
                n = b1 & 0x7F
                if n == 126:
                    n = int.from_bytes(need(2), "big")
                elif n == 127:
                    n = int.from_bytes(need(8), "big")
                payload = need(n)
                if b0 & 0x0F == 1:
                    listener.add(payload.decode(errors="replace"))
        except (EOFError, OSError):
            return

    threading.Thread(target=run, args=(rest,), daemon=True).start()


def edit(path: Path, n: int) -> None:
    """Changes one sentence of the body, keeping front matter and layout."""
    text = path.read_text()
    marker = "Edited for the benchmark"
    if marker in text:
        text = re.sub(rf"{marker} \d+\.", f"{marker} {n}.", text)
    else:
        text = text.rstrip("\n") + f"\n\n{marker} {n}.\n"
    path.write_text(text)


def settle(listener: Listener, quiet: float, limit: float = 120) -> None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if time.monotonic() - max(listener.last(), started) >= quiet:
            return
        time.sleep(0.05)


def measure(name: str, command: list[str], cwd: Path, port: int, post: Path, listen, wanted: str, startup: float) -> dict:
    log = open(OUT / f"serve-latency-{name}-{post.parts[-4]}.log", "w")
    process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, startup)
        time.sleep(0.5)
        listener = Listener()
        listen(port, listener)
        time.sleep(0.5)
        original = post.read_text()
        times = []
        try:
            for n in range(REPS + 1):
                settle(listener, SETTLE)
                t0 = time.monotonic()
                edit(post, n)
                arrived = None
                while arrived is None and time.monotonic() - t0 < 120:
                    arrived = listener.after(t0, wanted)
                    time.sleep(0.001)
                if arrived is None:
                    raise RuntimeError(f"{name}: no reload within 120 s")
                if n > 0:  # the first save warms caches
                    times.append((arrived - t0) * 1000)
        finally:
            post.write_text(original)
        return {
            "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(sorted(times)[int(len(times) * 0.9) - 1], 1),
            "min_ms": round(min(times), 1),
            "runs": len(times),
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def corpus(n: int) -> Path:
    where = OUT / f"serve-corpus-{n}"
    if not (where / "rounds" / "content").is_dir():
        shutil.rmtree(where, ignore_errors=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_corpus.py"), str(n), str(where)], check=True)
    return where


def a_post(site: Path) -> Path:
    """A post in the middle of the blog, the same file name for both tools."""
    posts = sorted((site / "content").rglob("*.md"))
    posts = [p for p in posts if not p.name.startswith("_")]
    return posts[len(posts) // 2]


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [1000, 10000]
    rounds_bin = os.environ.get("ROUNDS_BIN", str(ROOT / "target" / "release" / "rounds"))
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {"reps": REPS, "sizes": {}}
    for n in sizes:
        where = corpus(n)
        row = {}
        startup = 60 + n / 50
        for name, extra in [("rounds", []), ("rounds-full", ["--full-rebuilds"])]:
            port = free_port()
            site = where / "rounds"
            command = [rounds_bin, "serve", "--quiet", "--port", str(port), "--root", str(site), *extra]
            row[name] = measure(name, command, site, port, a_post(site), listen_sse, "event: reload", startup)
            print(f"{n:>6} {name:<12} {row[name]}", flush=True)
        if not os.environ.get("SKIP_HUGO") and shutil.which("hugo"):
            port = free_port()
            site = where / "hugo"
            command = ["hugo", "server", "--port", str(port), "--bind", "127.0.0.1", "--source", str(site), "--disableFastRender=false"]
            row["hugo"] = measure("hugo", command, site, port, a_post(site), listen_livereload, '"reload"', startup)
            print(f"{n:>6} {'hugo':<12} {row['hugo']}", flush=True)
            row["ratio_rounds_to_hugo"] = round(row["rounds"]["median_ms"] / row["hugo"]["median_ms"], 3)
        row["ratio_incremental_to_full"] = round(row["rounds"]["median_ms"] / row["rounds-full"]["median_ms"], 3)
        results["sizes"][str(n)] = row
    (OUT / "serve-latency.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
