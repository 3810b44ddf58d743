"""A real SMTP server for the mail tests (aiosmtpd), parsing what it receives
with Python's own email package.

    smtp_sink.py DIR [--refuse N] [--refuse-matching TEXT]

Listens on 127.0.0.1 on a free port and prints the port on its first line.
Each mail it accepts becomes DIR/<n>.json: the envelope, the headers the
tests check, the plain-text and HTML parts, and when it arrived. The first N
mails (or, with --refuse-matching, the first N whose subject contains TEXT)
are refused with a temporary error (451), as a server under load would.
Runs until its standard input closes.
"""

import argparse
import email
import email.policy
import json
import os
import socket
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, refuse, matching):
        self.directory = directory
        self.refuse = refuse
        self.matching = matching
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if self.refuse > 0 and self.matching in str(message["Subject"]):
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        parts = {}
        for part in message.walk():
            kind = part.get_content_type()
            if kind in ("text/plain", "text/html") and kind not in parts:
                parts[kind] = part.get_content()
        self.count += 1
        record = {
            "received_at_ms": int(time.time() * 1000),
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "content_type": message.get_content_type(),
            "list_unsubscribe": message["List-Unsubscribe"] and str(message["List-Unsubscribe"]),
            "list_unsubscribe_post": message["List-Unsubscribe-Post"]
            and str(message["List-Unsubscribe-Post"]),
            "text": parts.get("text/plain"),
            "html": parts.get("text/html"),
        }
        path = os.path.join(self.directory, f"{self.count}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.replace(path + ".tmp", path)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--refuse", type=int, default=0)
    parser.add_argument("--refuse-matching", default="")
    args = parser.parse_args()
    port = free_port()
    sink = Sink(args.directory, args.refuse, args.refuse_matching)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
