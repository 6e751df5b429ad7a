#!/usr/bin/python3
"""Requests through the VIP from the client container, for molecule verify.

  lvs-probe count URL N
      N sequential requests (a new TCP connection each); prints JSON
      {"nodes": {body: count}, "failed": n}.
  lvs-probe loop URL SECONDS INTERVAL TIMEOUT
      A request every INTERVAL seconds for SECONDS; prints JSON with the
      number of requests, failures, the longest time without a successful
      answer ("outage_seconds") and the nodes that answered.
"""
import json
import sys
import time
import urllib.request


def get(url, timeout):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode().strip()
    except Exception as exc:  # noqa: BLE001 - any failure counts
        return None, repr(exc)


def count(url, n):
    nodes, failed, errors = {}, 0, []
    for _attempt in range(n):
        status, body = get(url, 2)
        if status == 200:
            nodes[body] = nodes.get(body, 0) + 1
        else:
            failed += 1
            errors.append(body)
    return {"nodes": nodes, "failed": failed, "errors": errors[:5]}


def loop(url, seconds, interval, timeout):
    start = time.monotonic()
    last_ok = start
    longest = 0.0
    total = failed = 0
    nodes, failures = {}, []
    while time.monotonic() - start < seconds:
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
        result = count(argv[2], int(argv[3]))
    else:
        result = loop(argv[2], float(argv[3]), float(argv[4]), float(argv[5]))
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
