#!/usr/bin/env python3
"""Registers a citizen on a running server and prints the session token of their verified
address: what a person does in the app, through the public API only.

Usage: fuzz_citizen.py BASE_URL MAIL_DIR
The server must use the file mail transport (no SMTP_URL): the code is read from the newest
*.eml written to MAIL_DIR for the address.
"""

import email
import email.policy
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request


def post(base, path, body):
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def code_for(mail_dir, address, deadline):
    while time.time() < deadline:
        names = sorted(
            (os.path.join(mail_dir, n) for n in os.listdir(mail_dir) if n.endswith(".eml"))
            if os.path.isdir(mail_dir)
            else [],
            key=os.path.getmtime,
        )
        for name in reversed(names):
            with open(name, "rb") as handle:
                message = email.message_from_binary_file(handle, policy=email.policy.default)
            if address.lower() not in str(message.get("To", "")).lower():
                continue
            body = message.get_body(preferencelist=("plain",))
            found = re.search(r"(?<!\d)\d{6}(?!\d)", body.get_content() if body else "")
            if found:
                return found.group(0)
        time.sleep(0.2)
    sys.exit(f"no code was mailed to {address}")


def main():
    base, mail_dir = sys.argv[1].rstrip("/"), sys.argv[2]
    # A well-formed identification number: Hà Nội (001), a man born in the 1900s (0), 1990.
    serial = int(time.time()) % 1_000_000
    address = f"fuzz.{serial}@example.vn"
    status, body = post(
        base,
        "/v1/auth/register",
        {
            "national_id": f"001090{serial:06d}",
            "full_name": "Nguyễn Văn Thử",
            "date_of_birth": "1990-05-17",
            "sex": "male",
            "email": address,
            "phone": "0912345678",
        },
    )
    if status != 201:
        sys.exit(f"register: {status} {body}")
    code = code_for(mail_dir, address, time.time() + 30)
    status, body = post(
        base,
        "/v1/auth/email/verify",
        {"email": address, "code": code, "device_name": "Fuzzer"},
    )
    if status != 200:
        sys.exit(f"verify: {status} {body}")
    print(body["token"])


if __name__ == "__main__":
    main()
