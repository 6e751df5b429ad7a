#!/usr/bin/python3
"""Requests through the VIP from the client container, for molecule verify.

  lvs-probe count URL N
      N sequential requests (a new TCP connection each; https is not
      verified, the lab's certificates are self-signed); prints JSON
      {"nodes": {body: count}, "failed": n}.
  lvs-probe udp HOST PORT N
      N datagrams, each from a new socket (a new IPVS connection), sent
      again once on the same socket when no reply came within 2 s (as a DNS
      client would); prints the same JSON, the nodes being the replies, and
      "resent", the number of datagrams sent twice.
  lvs-probe loop URL SECONDS INTERVAL TIMEOUT [STOP_FILE]
      A request every INTERVAL seconds for SECONDS, or until STOP_FILE
      exists; prints JSON with the number of requests, failures (each with
      its time from the start and in epoch seconds, error and local port),
      the longest time without a successful
      answer ("outage_seconds") and the nodes that answered.
  lvs-probe hold URL GO_FILE SECONDS
      A long-lived connection: one request on a keep-alive connection, then
      a second one on the same connection once GO_FILE exists (at most
      SECONDS later); prints JSON {"first", "second"} (the node, or the
      error) and "same_connection" (the local port did not change).
  lvs-probe load URL HOLDS READY_FILE STOP_FILE SECONDS
      Both at once: HOLDS long-lived connections (their local ports written
      to READY_FILE as a JSON list once each has its first answer), and a
      request every 0.1 s (1 s timeout) until STOP_FILE exists (at most
      SECONDS). Every 5 s and at the end, one more request on each held
      connection; "second" is the last answer, or the first failure. Prints
      {"loop": as `loop`, "holds": [{"port", "first", "second", "same_connection"}]}.
  lvs-probe routes PREFIX STOP_FILE SECONDS
      On a router: the next hops of its route to PREFIX, read again at each
      route event, until STOP_FILE exists; prints each change
      [{"at": epoch seconds, "via": [...]}].
  lvs-probe hops PREFIX SECONDS [ADDRESS...]
      On a router: wait, on route events, until its next hops to PREFIX are
      exactly the ADDRESSes (none: no route); prints {"via", "reached",
      "waited"} and exits 1 if SECONDS passed first.
  lvs-probe stalls STOP_FILE SECONDS
      At real-time priority, sleep 10 ms at a time until STOP_FILE exists;
      prints the longest oversleep and how many oversleeps reached 0.1, 0.2,
      0.4 and 0.6 s: the times the whole (emulated) machine stood still,
      which BFD's detection time must outlast.
  lvs-probe wait SECONDS INTERVAL PATTERN COMMAND [ARG...]
      On any host: runs COMMAND (no shell) every INTERVAL seconds until its
      output, less its trailing newlines, matches the regular expression
      PATTERN (Python's re.search; its errors and exit status are ignored);
      prints the epoch time of that moment (as `date +%s.%N`). After SECONDS
      without a match, prints "timeout" and exits 1.
"""
import http.client
import json
import os
import re
import select
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

UNVERIFIED = ssl._create_unverified_context()  # noqa: S323 - lab certificates are self-signed


def get(url, timeout):
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=UNVERIFIED) as resp:
            return resp.status, resp.read().decode().strip()
    except Exception as exc:  # noqa: BLE001 - any failure counts
        return None, repr(exc)


def get_traced(url, timeout):
    """As get, plus the local port of the request's connection (None for https):
    with it, a failed request can be found in the directors' IPVS connection
    tables (ipvsadm -Lnc) and in packet traces."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme != "http":
        return get(url, timeout) + (None,)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=timeout)
    family = socket.AF_INET6 if ":" in parsed.hostname else socket.AF_INET
    conn.sock = socket.socket(family, socket.SOCK_STREAM)
    conn.sock.settimeout(timeout)
    conn.sock.bind(("", 0))
    port = conn.sock.getsockname()[1]
    try:
        conn.sock.connect((parsed.hostname, parsed.port or 80))
        conn.request("GET", parsed.path or "/")
        resp = conn.getresponse()
        return resp.status, resp.read().decode().strip(), port
    except Exception as exc:  # noqa: BLE001 - any failure counts
        return None, repr(exc), port
    finally:
        conn.close()


RESENT = [0]  # datagrams sent a second time


def datagram(host, port, timeout):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        for attempt in range(2):
            try:
                sock.sendto(b"lvs-probe", (host, port))
                return 200, sock.recv(512).decode().strip()
            except OSError as exc:
                error = repr(exc)
                RESENT[0] += attempt == 0
        return None, error


def count(ask, n):
    nodes, failed, errors = {}, 0, []
    for _attempt in range(n):
        status, body = ask()
        if status == 200:
            nodes[body] = nodes.get(body, 0) + 1
        else:
            failed += 1
            errors.append(body)
    return {"nodes": nodes, "failed": failed, "errors": errors[:5]}


def wait_for_file(path, seconds):
    end = time.monotonic() + seconds
    while not os.path.exists(path) and time.monotonic() < end:
        time.sleep(0.1)


def loop(url, seconds, interval, timeout, stop_file=None):
    start = time.monotonic()
    last_ok = start
    longest = 0.0
    total = failed = 0
    nodes, failures = {}, []
    while time.monotonic() - start < seconds and not (stop_file and os.path.exists(stop_file)):
        t0 = time.monotonic()
        status, body, port = get_traced(url, timeout)
        t1 = time.monotonic()
        total += 1
        if status == 200:
            nodes[body] = nodes.get(body, 0) + 1
            longest = max(longest, t1 - last_ok)
            last_ok = t1
        else:
            failed += 1
            failures.append({"at": round(t0 - start, 2), "epoch": round(time.time() - (t1 - t0), 3),
                             "error": body[:120], "port": port})
        time.sleep(max(0.0, interval - (time.monotonic() - t0)))
    longest = max(longest, time.monotonic() - last_ok)
    return {"requests": total, "failed": failed, "outage_seconds": round(longest, 2),
            "nodes": nodes, "failures": failures[:10], "seconds": seconds, "interval": interval}


def ask_on(conn, path):
    """One request on a keep-alive connection: (the answer or the error, local port)."""
    try:
        conn.request("GET", path, headers={"Connection": "keep-alive"})
        port = conn.sock.getsockname()[1]
        return conn.getresponse().read().decode().strip(), port
    except Exception as exc:  # noqa: BLE001 - a reset or timeout is the result
        return "error: " + repr(exc)[:120], None


def open_held(url, n):
    """n keep-alive connections, each with its first request answered."""
    parsed = urllib.parse.urlsplit(url)
    held = []
    for _index in range(n):
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=5)
        first, port = ask_on(conn, parsed.path)
        held.append({"conn": conn, "path": parsed.path, "port": port, "first": first})
    return held


def ask_again(held):
    """One more request on each held connection; each result is its first failure, if
    any. http.client reconnects a closed connection by itself, so a changed local port
    means a new connection."""
    for h in held:
        if h.get("kept", True):
            second, port = ask_on(h["conn"], h["path"])
            same = port is not None and port == h["port"]
            h.update(second=second, same_connection=same, kept=same and second == h["first"])
    return [dict((key, h[key]) for key in ("port", "first", "second", "same_connection")) for h in held]


def hold(url, go_file, seconds):
    held = open_held(url, 1)
    wait_for_file(go_file, seconds)
    return ask_again(held)[0]


def load(url, holds, ready_file, stop_file, seconds):
    held = open_held(url, holds)
    with open(ready_file + ".tmp", "w") as handle:
        json.dump([h["port"] for h in held], handle)
    os.rename(ready_file + ".tmp", ready_file)
    requests = {}
    looper = threading.Thread(target=lambda: requests.update(loop(url, seconds, 0.1, 1, stop_file)))
    looper.start()
    # A request on every held connection every 5 s: the connections stay open (web
    # servers close idle ones) and each is checked while the operation goes on.
    end = time.monotonic() + seconds
    while time.monotonic() < end and not os.path.exists(stop_file):
        wait_for_file(stop_file, min(5, end - time.monotonic()))
        ask_again(held)
    looper.join()
    return {"loop": requests, "holds": ask_again(held)}


def next_hops(prefix):
    family = "-6" if ":" in prefix else "-4"  # ip route show reads an IPv6 prefix only with -6
    out = subprocess.run(["ip", "-j", family, "route", "show", prefix], capture_output=True, text=True, check=False).stdout
    hops = []
    for route in json.loads(out or "[]"):
        hops += [route["gateway"]] if "gateway" in route else [n["gateway"] for n in route.get("nexthops", [])]
    return sorted(hops)


def watch_hops(prefix, seconds, done):
    """The router's next hops to PREFIX, read at the start and again at each event
    of `ip monitor route` (no polling: the lab's CPU is emulated and shared), at
    least every 0.5 s, until done(hops) is true or SECONDS pass; returns the last."""
    monitor = subprocess.Popen(["ip", "monitor", "route"], stdout=subprocess.PIPE, text=True)
    end = time.monotonic() + seconds
    try:
        while True:
            via = next_hops(prefix)
            if done(via) or time.monotonic() >= end:
                return via
            if select.select([monitor.stdout], [], [], 0.5)[0]:
                monitor.stdout.readline()
    finally:
        monitor.kill()


def routes(prefix, stop_file, seconds):
    changes = []

    def note(via):
        if not changes or changes[-1]["via"] != via:
            changes.append({"at": round(time.time(), 3), "via": via})
        return os.path.exists(stop_file)

    watch_hops(prefix, seconds, note)
    return changes


def hops(prefix, seconds, expected):
    start, wanted = time.monotonic(), sorted(expected)
    via = watch_hops(prefix, seconds, lambda via: via == wanted)
    return {"via": via, "reached": via == wanted, "waited": round(time.monotonic() - start, 2)}


STALL_BOUNDS = (0.1, 0.2, 0.4, 0.6)


def stalls(stop_file, seconds):
    # SCHED_FIFO: a late wake-up is then the machine's, not the guest scheduler's.
    os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(50))
    start = time.monotonic()
    longest, reached = 0.0, dict.fromkeys(STALL_BOUNDS, 0)
    while time.monotonic() - start < seconds and not os.path.exists(stop_file):
        before = time.monotonic()
        time.sleep(0.01)
        late = time.monotonic() - before - 0.01
        longest = max(longest, late)
        for bound in STALL_BOUNDS:
            reached[bound] += late >= bound
    return {"seconds": round(time.monotonic() - start), "longest": round(longest, 3),
            "reached": {str(bound): n for bound, n in reached.items()}}


def wait(seconds, interval, pattern, command):
    """The epoch time at which command's output first matched pattern, or None."""
    end, regex = time.monotonic() + seconds, re.compile(pattern)
    while True:
        try:
            out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
        except OSError:
            out = ""
        if regex.search(out.rstrip("\n")):
            return time.time()
        if time.monotonic() >= end:
            return None
        time.sleep(interval)


def main(argv):
    if argv[1] == "wait":
        at = wait(float(argv[2]), float(argv[3]), argv[4], argv[5:])
        print("timeout" if at is None else "%.6f" % at)
        sys.exit(0 if at is not None else 1)
    if argv[1] == "count":
        result = count(lambda: get(argv[2], 2), int(argv[3]))
    elif argv[1] == "udp":
        result = count(lambda: datagram(argv[2], int(argv[3]), 2), int(argv[4]))
        result["resent"] = RESENT[0]
    elif argv[1] == "hold":
        result = hold(argv[2], argv[3], float(argv[4]))
    elif argv[1] == "load":
        result = load(argv[2], int(argv[3]), argv[4], argv[5], float(argv[6]))
    elif argv[1] == "routes":
        result = routes(argv[2], argv[3], float(argv[4]))
    elif argv[1] == "hops":
        result = hops(argv[2], float(argv[3]), argv[4:])
    elif argv[1] == "stalls":
        result = stalls(argv[2], float(argv[3]))
    else:
        result = loop(argv[2], float(argv[3]), float(argv[4]), float(argv[5]), *argv[6:7])
    print(json.dumps(result))
    if argv[1] == "hops" and not result["reached"]:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv)
