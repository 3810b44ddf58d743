"""A Web Push service for the push tests, checking every message with
reference implementations nobody here wrote: `py_vapid` (pywebpush's VAPID
library) verifies the ES256 JWT in the Authorization header, and `http_ece`
(Mozilla's RFC 8188/8291 implementation) decrypts the payload with the
browser's private key.

    push_service.py

Listens on 127.0.0.1 on a free port and prints the port on its first line.
Runs until its standard input closes.

- POST /subscriptions?answers=410 or ?answers=429:1,201 makes a browser: a
  fresh P-256 key pair and auth secret. It answers the subscription as
  `PushSubscription.toJSON()` would, with an endpoint here. The browser's
  endpoint answers each message with the next status of `answers` (a 429
  may carry its Retry-After seconds after a colon), then 201.
- POST /push/<id> is that endpoint.
- GET /messages/<id> lists what reached it: when, the headers, whether the
  VAPID signature verified, its claims, and the decrypted payload (or why
  it could not be decrypted).
"""

import base64
import json
import os
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


browsers = {}
lock = threading.Lock()


def check_vapid(authorization):
    """(verified, claims, error) for an Authorization header."""
    try:
        if not Vapid02.verify(authorization):
            return False, None, "signature does not verify"
        params = dict(p.split("=", 1) for p in authorization.split(" ", 1)[1].split(","))
        claims = json.loads(b64url_decode(params["t"].split(".")[1]))
        return True, claims, None
    except Exception as e:  # a malformed header is a finding, not a crash
        return False, None, f"{type(e).__name__}: {e}"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=None, headers=()):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if url.path == "/subscriptions":
            answers = parse_qs(url.query).get("answers", [""])[0]
            key = ec.generate_private_key(ec.SECP256R1())
            auth = secrets.token_bytes(16)
            bid = secrets.token_hex(8)
            with lock:
                browsers[bid] = {
                    "key": key,
                    "auth": auth,
                    "answers": [a for a in answers.split(",") if a],
                    "messages": [],
                }
            public = key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
            port = self.server.server_address[1]
            self.answer(
                201,
                {
                    "endpoint": f"http://127.0.0.1:{port}/push/{bid}",
                    "expirationTime": None,
                    "keys": {"p256dh": b64url(public), "auth": b64url(auth)},
                },
            )
            return
        if url.path.startswith("/push/"):
            bid = url.path[len("/push/"):]
            with lock:
                browser = browsers.get(bid)
            if browser is None:
                self.answer(404)
                return
            verified, claims, vapid_error = check_vapid(self.headers.get("authorization", ""))
            try:
                payload = http_ece.decrypt(
                    body,
                    private_key=browser["key"],
                    auth_secret=browser["auth"],
                    version=self.headers.get("content-encoding", ""),
                ).decode()
                decrypt_error = None
            except Exception as e:
                payload, decrypt_error = None, f"{type(e).__name__}: {e}"
            with lock:
                status = browser["answers"].pop(0) if browser["answers"] else "201"
                browser["messages"].append(
                    {
                        "at_ms": int(time.time() * 1000),
                        "status": status,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "length": len(body),
                        "vapid_verified": verified,
                        "vapid_claims": claims,
                        "vapid_error": vapid_error,
                        "payload": payload,
                        "decrypt_error": decrypt_error,
                    }
                )
            code, _, retry_after = status.partition(":")
            headers = [("retry-after", retry_after)] if retry_after else []
            if code == "201":
                headers.append(("location", f"/messages/{bid}/{secrets.token_hex(4)}"))
            self.answer(int(code), headers=headers)
            return
        self.answer(404)

    def do_GET(self):
        if self.path.startswith("/messages/"):
            with lock:
                browser = browsers.get(self.path[len("/messages/"):])
                messages = list(browser["messages"]) if browser else None
            self.answer(200 if messages is not None else 404, messages)
            return
        self.answer(404)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()
    os._exit(0)


if __name__ == "__main__":
    main()
