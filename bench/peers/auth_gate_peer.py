"""Peer for bench/platform_overhead.sh: the same per-request platform gate written the way a
Python RAG platform (FastAPI dependencies, as in Open WebUI or Onyx) does it — PyJWT HS256
decode with audience and issuer, a cached user lookup, a permission check, four sliding
windows (collections.deque under a lock), a quota reserve+commit under a lock, and for API
keys a SHA-256 + hmac.compare_digest lookup and a SQLite (WAL) insert of the metering record.
Prints one JSON line per path with p50/p99/mean in microseconds.

    python auth_gate_peer.py <work dir> [iterations]
"""
import collections
import hashlib
import hmac
import json
import os
import sqlite3
import sys
import threading
import time

import jwt

SECRET = "k" * 48
WINDOW_S = 60.0


class SlidingWindow:
    def __init__(self):
        self.lock = threading.Lock()
        self.hits = {}

    def hit(self, key, limit):
        now = time.monotonic()
        with self.lock:
            q = self.hits.setdefault(key, collections.deque())
            while q and q[0] <= now - WINDOW_S:
                q.popleft()
            if len(q) >= limit:
                return False
            q.append(now)
            return True


class Ledger:
    def __init__(self):
        self.lock = threading.Lock()
        self.used = collections.Counter()
        self.reserved = collections.Counter()

    def reserve(self, key, amount, limit):
        with self.lock:
            if limit >= 0 and self.used[key] + self.reserved[key] + amount > limit:
                return False
            self.reserved[key] += amount
            return True

    def commit(self, key, reserved, used):
        with self.lock:
            self.reserved[key] -= reserved
            self.used[key] += used


def main():
    work = sys.argv[1]
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    os.makedirs(work, exist_ok=True)
    db = sqlite3.connect(os.path.join(work, "peer.db"), check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS usage (id INTEGER PRIMARY KEY, org TEXT, user TEXT, key TEXT, "
               "meter TEXT, amount INT, at INT, request TEXT)")
    # The same indexes as ragd's usage_records, so both pay for the same writes.
    db.execute("CREATE INDEX IF NOT EXISTS usage_by_org ON usage(org, at)")
    db.execute("CREATE INDEX IF NOT EXISTS usage_by_meter ON usage(org, meter, at)")
    db_lock = threading.Lock()
    users = {"usr_1": {"org": "org_1", "role": "organization_admin", "changed": 0, "plan": "enterprise"}}
    permissions = {"organization_admin": {"chat:create", "search:execute_basic", "api:access"}}
    secret_key = "key_abc.s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t"
    keys = {"key_abc": {"digest": hashlib.sha256(secret_key.encode()).hexdigest(), "user": "usr_1",
                        "scopes": {"chat:create"}, "revoked": False}}
    now = int(time.time())
    token = jwt.encode({"sub": "usr_1", "org": "org_1", "role": "organization_admin", "iat": now,
                        "exp": now + 900, "iss": "ragd", "aud": "ragd-api"}, SECRET, algorithm="HS256")
    limiter = SlidingWindow()
    ledger = Ledger()
    big = 1_000_000_000

    def gate(bearer, meter, ip):
        if bearer.count(".") == 2:
            claims = jwt.decode(bearer, SECRET, algorithms=["HS256"], audience="ragd-api", issuer="ragd")
            user = users.get(claims["sub"])
            if user is None or user["org"] != claims["org"] or claims["iat"] < user["changed"]:
                return False
            perms = permissions[user["role"]]
            subject, key_id = "u:" + claims["sub"], ""
        else:
            key_id, _, _ = bearer.partition(".")
            record = keys.get(key_id)
            if record is None or record["revoked"]:
                return False
            if not hmac.compare_digest(hashlib.sha256(bearer.encode()).hexdigest(), record["digest"]):
                return False
            user = users[record["user"]]
            perms = permissions[user["role"]] & record["scopes"]
            subject = "k:" + key_id
        if "chat:create" not in perms:
            return False
        for key in (subject + "|all", "ip:" + ip + "|all", subject + "|chat", "ip:" + ip + "|chat"):
            if not limiter.hit(key, big):
                return False
        t = int(time.time())
        period = time.strftime("%Y-%m-%d" if key_id else "%Y-%m", time.gmtime(t))
        qkey = (user["org"], meter, period)
        if not ledger.reserve(qkey, 1, -1):
            return False
        ledger.commit(qkey, 1, 1)
        if key_id:
            with db_lock:
                db.execute("INSERT INTO usage(org, user, key, meter, amount, at, request) "
                           "VALUES (?,?,?,?,?,?,?)",
                           (user["org"], "usr_1", key_id, "api_calls", 1, t, "bench"))
                db.commit()
        return True

    for name, bearer, meter in (("jwt", token, "messages"), ("api_key", secret_key, "api_calls")):
        for _ in range(1000):
            gate(bearer, meter, "10.0.0.1")
        micros = []
        for i in range(iterations):
            start = time.perf_counter()
            ok = gate(bearer, meter, "10.0.0." + str(i % 250))
            micros.append((time.perf_counter() - start) * 1e6)
            if not ok:
                sys.exit(f"request {i} of {name} was refused")
        micros.sort()
        print(json.dumps({"system": "python-peer", "path": name, "n": iterations,
                          "p50_us": round(micros[len(micros) // 2], 2),
                          "p99_us": round(micros[len(micros) * 99 // 100], 2),
                          "mean_us": round(sum(micros) / len(micros), 2)}))


if __name__ == "__main__":
    main()
