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
      exists; prints JSON with the number of requests, failures, the longest
      time without a successful answer ("outage_seconds") and the nodes that
      answered.
  lvs-probe hold URL GO_FILE SECONDS
      A long-lived connection: one request on a keep-alive connection, then
      a second one on the same connection once GO_FILE exists (at most
      SECONDS later); prints JSON {"first", "second"} (the node, or the
      error) and "same_connection" (the local port did not change).
"""
import http.client
import json
import os
import socket
import ssl
import sys
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


def hold(url, go_file, seconds):
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=5)
    answers, ports = [], []
    for step in range(2):
        if step == 1:
            wait_for_file(go_file, seconds)
        try:
            conn.request("GET", parsed.path, headers={"Connection": "keep-alive"})
            ports.append(conn.sock.getsockname()[1])
            answers.append(conn.getresponse().read().decode().strip())
        except Exception as exc:  # noqa: BLE001 - a reset or timeout is the result
            answers.append("error: " + repr(exc)[:120])
    return {"first": answers[0], "second": answers[1],
            "same_connection": len(ports) == 2 and ports[0] == ports[1]}


def loop(url, seconds, interval, timeout, stop_file=None):
    start = time.monotonic()
    last_ok = start
    longest = 0.0
    total = failed = 0
    nodes, failures = {}, []
    while time.monotonic() - start < seconds and not (stop_file and os.path.exists(stop_file)):
        t0 = time.monotonic()
        status, body = get(url, timeout)
        t1 = time.monotonic()
        total += 1
        if status == 200:
            nodes[body] = nodes.get(body, 0) + 1
            longest = max(longest, t1 - last_ok)
            last_ok = t1
        else:
            failed += 1
            failures.append({"at": round(t0 - start, 2), "error": body[:120]})
        time.sleep(max(0.0, interval - (time.monotonic() - t0)))
    longest = max(longest, time.monotonic() - last_ok)
    return {"requests": total, "failed": failed, "outage_seconds": round(longest, 2),
            "nodes": nodes, "failures": failures[:10], "seconds": seconds, "interval": interval}


def main(argv):
    if argv[1] == "count":
        result = count(lambda: get(argv[2], 2), int(argv[3]))
    elif argv[1] == "udp":
        result = count(lambda: datagram(argv[2], int(argv[3]), 2), int(argv[4]))
        result["resent"] = RESENT[0]
    elif argv[1] == "hold":
        result = hold(argv[2], argv[3], float(argv[4]))
    else:
        result = loop(argv[2], float(argv[3]), float(argv[4]), float(argv[5]), *argv[6:7])
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
