"""SMS transport: the adapters the outbox sends text messages through.

With `SMS_GATEWAY_URL` set, messages are POSTed as JSON to the bank's HTTP SMS gateway with its token;
without it each message is written as a file under `SMS_FILE_PATH` (var/sms/ by default), so the demo
and the tests work with no gateway, like the file e-mail backend. Adapters raise `SmsError` on a
failure the outbox should retry; the text of the error never holds the number or the message.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

REQUEST_TIMEOUT_SECONDS = 10


class SmsError(Exception):
    """A failed send, with a reason fit for a log (no number, no text)."""


class FileSmsGateway:
    """Writes each message to its own file: the embedded default."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def send(self, *, to: str, text: str, reference: str, now: datetime | None = None) -> None:
        now = now or timezone.now()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{now:%Y%m%d-%H%M%S}-{reference}.json"
            path.write_text(
                json.dumps({"to": to, "text": text, "reference": reference}, ensure_ascii=False), "utf-8"
            )
        except OSError as exc:
            raise SmsError(f"file error: {type(exc).__name__}") from exc


class HttpSmsGateway:
    """POSTs `{"to", "text", "reference"}` as JSON with `Authorization: Bearer <token>`; any 2xx is sent."""

    def __init__(self, url: str, token: str, sender: str = ""):
        self.url = url
        self.token = token
        self.sender = sender

    def body(self, *, to: str, text: str, reference: str) -> bytes:
        payload = {"to": to, "text": text, "reference": reference}
        if self.sender:
            payload["sender"] = self.sender
        return json.dumps(payload, ensure_ascii=False).encode()

    def send(self, *, to: str, text: str, reference: str, now: datetime | None = None) -> None:
        request = urllib.request.Request(  # noqa: S310 - the gateway URL is the operator's setting
            self.url,
            data=self.body(to=to, text=text, reference=reference),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
                "User-Agent": "QuyenDuLieu-SMS/1",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError as exc:
            raise SmsError(f"network error: {type(exc).__name__}") from exc
        if not 200 <= status < 300:
            raise SmsError(f"HTTP {status}")


def sms_gateway() -> FileSmsGateway | HttpSmsGateway:
    """The adapter the settings choose: the HTTP gateway when `SMS_GATEWAY_URL` is set, else files."""
    if settings.SMS_GATEWAY_URL:
        return HttpSmsGateway(settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN, settings.SMS_SENDER)
    return FileSmsGateway(settings.SMS_FILE_PATH)
