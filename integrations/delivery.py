"""Delivering outbox messages: signed webhooks, e-mails and SMS, with retries and exponential backoff.

E-mails are rendered here, once, in the recipient's language, and go through Django's mail backend
(the file backend writing to `var/mail/` by default, SMTP from `EMAIL_URL` in production). After the
last attempt a message is parked for a person to look at (`integrations.outbox.outbox_retry`).

Receivers verify `X-QDL-Signature: sha256=<hex>`, the HMAC-SHA256 of "<timestamp>.<body>" keyed with
their endpoint secret, and reject timestamps that are too old (replay protection). For a grace period
after the secret is rotated, `X-QDL-Signature-Previous` carries the same HMAC keyed with the old
secret, so a receiver still holding it keeps accepting notices. Each attempt is signed afresh with
its own timestamp: a redelivery has the same `X-QDL-Delivery` id and body, not the same signature.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from core.plain_text import render_plain_text, render_subject_line
from core.retries import doubling_wait
from integrations.addresses import AddressNotPublic, public_connection
from integrations.models import ENDPOINT_PAUSED, OutboxMessage
from integrations.signals import outbox_attempt_finished
from integrations.sms import SmsError, sms_gateway

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 6 * 60 * 60
# While one worker is sending, the row is leased so the sweep does not hand it to another worker.
DELIVERY_LEASE_SECONDS = 120
REQUEST_TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-QDL-Signature"
PREVIOUS_SIGNATURE_HEADER = "X-QDL-Signature-Previous"
TIMESTAMP_HEADER = "X-QDL-Timestamp"


def backoff_delay(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 1, 2, 4, 8... minutes, capped at 6 hours."""
    first, longest = timedelta(seconds=BACKOFF_BASE_SECONDS), timedelta(seconds=BACKOFF_CAP_SECONDS)
    return doubling_wait(attempts, first=first, longest=longest)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class _PublicHTTPConnection(http.client.HTTPConnection):
    """Connects only to a public address of the receiver, checked as it connects (`public_connection`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = public_connection


class _PublicHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = public_connection


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_PublicHTTPConnection, req)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(
            _PublicHTTPSConnection, req, context=self._context, check_hostname=self._check_hostname
        )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver's 3xx is its answer, not a place to go: following it would carry the POST (as a GET)
    to any host, https to http, past the address check."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# No proxy from the environment: the platform must itself check the address it connects to.
_DIRECT_OPENER = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _PublicHTTPHandler, _PublicHTTPSHandler, _NoRedirects
)


def _opener() -> urllib.request.OpenerDirector:
    """Direct, to a checked public address; or through the bank's egress proxy where one is named
    (`WEBHOOK_PROXY_URL`): the proxy connects, so keeping receivers inside out is its allow-list's
    work. The address was still checked when the endpoint was saved, and redirects stay unfollowed."""
    proxy = settings.WEBHOOK_PROXY_URL
    if not proxy:
        return _DIRECT_OPENER
    through_proxy = urllib.request.ProxyHandler({"http": proxy, "https": proxy})
    return urllib.request.build_opener(through_proxy, _NoRedirects)


def _send(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the HTTP status (a redirect's own 3xx, not followed); network failures raise
    OSError, a receiver that is not on the internet `AddressNotPublic`."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - https/http only, set by staff
    try:
        with _opener().open(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except urllib.error.URLError as error:
        # urllib wraps what the connection raised; a refused address is said as such.
        if isinstance(error.reason, AddressNotPublic):
            raise error.reason from None
        raise


def outbox_deliver(message_id, *, now: datetime | None = None) -> OutboxMessage | None:
    """Try to deliver one due webhook or e-mail; on failure schedule the next attempt or park it.

    Returns the message, or None when it was not due (already sent, parked, leased by another worker).
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None
        if message.kind == OutboxMessage.Kind.WEBHOOK and message.endpoint is None:
            message.status = OutboxMessage.Status.CANCELLED
            message.last_error = "endpoint missing"
            message.save(update_fields=["status", "last_error"])
            return message
        if message.kind == OutboxMessage.Kind.WEBHOOK and not message.endpoint.active:
            # A pause (the receiver's maintenance) is no reason to drop a notice, a stop above all: it
            # waits for the endpoint, and staff see meanwhile that the recipient is theirs to reach.
            message.status = OutboxMessage.Status.PARKED
            message.last_error = ENDPOINT_PAUSED
            message.save(update_fields=["status", "last_error"])
            return message
        message.attempts += 1
        message.next_attempt_at = now + timedelta(seconds=DELIVERY_LEASE_SECONDS)
        message.save(update_fields=["attempts", "next_attempt_at"])
    # The HTTP or SMTP call happens outside any transaction: a slow receiver must not hold row locks.
    if message.kind == OutboxMessage.Kind.EMAIL:
        error = _send_email(message)
    elif message.kind == OutboxMessage.Kind.SMS:
        error = _send_sms(message, now)
    else:
        error = _send_webhook(message, now)
    return _record_attempt(message, error, now=now)


def _send_webhook(message: OutboxMessage, now: datetime) -> str:
    """POST the signed webhook; returns "" on success, else what went wrong (no personal data)."""
    body = message.payload.encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "QuyenDuLieu-Webhook/1",
        "X-QDL-Event": message.topic,
        "X-QDL-Delivery": str(message.pk),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: "sha256=" + sign(message.endpoint.secret, timestamp, body),
    }
    previous = message.endpoint.previous_secret_at(now)
    if previous:
        headers[PREVIOUS_SIGNATURE_HEADER] = "sha256=" + sign(previous, timestamp, body)
    try:
        status = _send(message.endpoint.url, body, headers)
    except AddressNotPublic:
        logger.warning("webhook %s refused: its address leads to this machine or a private network "
                       "(endpoint %s)", message.pk, message.endpoint.pk)
        return "refused: the address is not on the internet"
    except OSError as exc:
        return f"network error: {type(exc).__name__}"
    if 300 <= status < 400:
        logger.warning("webhook %s: HTTP %s, redirect not followed (endpoint %s)",
                       message.pk, status, message.endpoint.pk)
        return f"HTTP {status}: redirect not followed"
    return "" if 200 <= status < 300 else f"HTTP {status}"


def _send_email(message: OutboxMessage) -> str:
    """Render and send the e-mail through Django's mail backend; "" on success."""
    try:
        email = render_email(message)
    except (TemplateDoesNotExist, ValueError, KeyError) as exc:
        return f"cannot render: {type(exc).__name__}"
    try:
        sent = get_connection(fail_silently=False).send_messages([email])
    except Exception as exc:  # SMTP errors, refused connections, timeouts: retried with backoff
        return f"mail error: {type(exc).__name__}"
    return "" if sent else "mail error: not sent"


SMS_MAX_CHARS = 480
# An SMS never carries a link: since the State Bank's 2023 anti-fraud push Vietnamese banks send none,
# customers are taught that an SMS with a link is a scam, and the bank's own security page says it never
# sends one. A message with more to read (a page of the customer's, its `link`) says where instead: the
# inbox keeps every message sent, whatever the channel.
SMS_WHERE_TO_READ = _(
    "Details under Notifications in the bank's app or internet banking."
)
# A customer with neither (an elderly customer with no smartphone) is told where else to ask: every SMS,
# with more to read or not, names the hotline the bank set and its branches.
SMS_WHERE_TO_ASK = _("Questions: call %(hotline)s or ask at any branch.")
SMS_WHERE_TO_ASK_NO_HOTLINE = _("Questions: ask at any branch.")
# A reader abroad reads "by 24/03/2026" on their own clock (California is 14 to 15 hours behind): a message
# with a date says whose, in these words, the SMS and the e-mail alike (`vietnam_time_note`). A phone is
# kept in international form ("+1...") only when it is foreign (`subjects.validators.normalize_phone`), so
# an SMS to a Vietnamese one gets no word more; an e-mail address tells nothing of where its reader is.
VIETNAM_TIME = _("Dates and times are Vietnam time (UTC+7).")


SENTENCE_ENDS = (".", "!", "?", "…")


def bank_hotline() -> str:
    """The customer hotline the bank set (`BANK_HOTLINE`), "" when none: what the SMS ending and the
    e-mails that say "call the hotline" (`bank_hotline` in their context) give as its number."""
    return settings.BANK_HOTLINE


def where_to_ask_sentence() -> str:
    """Where a customer asks about a message, in the active language: the hotline the bank set
    and its branches, or the branches alone."""
    hotline = bank_hotline()
    return str(SMS_WHERE_TO_ASK % {"hotline": hotline} if hotline else SMS_WHERE_TO_ASK_NO_HOTLINE)


def _holds_a_time(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds_a_time(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_a_time(item) for item in value)
    return isinstance(value, datetime)


def vietnam_time_note(context: dict[str, Any]) -> str:
    """`VIETNAM_TIME` in the active language when the message's context gives a date or a time (in a list
    of items too), else ""."""
    return str(VIETNAM_TIME) if _holds_a_time(context) else ""


def email_body_text(template: str, context: dict[str, Any]) -> str:
    """The plain-text body of an e-mail in the active language, as sent and as a page previews it: the
    template's text, ending, when it gives a date or a time, with `vietnam_time_note`."""
    text = render_plain_text(f"{template}.txt", context)
    vietnam_time = vietnam_time_note(context)
    return f"{text.rstrip()}\n\n{vietnam_time}\n" if vietnam_time else text


def render_sms(message: OutboxMessage) -> str:
    """The text message a stored template stands for: its subject line, then, when it gives a date and
    goes to a phone abroad, that the date is Vietnam time; then, when the message has a
    page to read (`link` in its context), the sentence saying where to read it once signed in; never
    the link itself; then, unless it carries a code, where to ask (the hotline, the branches). The facts
    come first: at `SMS_MAX_CHARS` a pointer that does not fit whole is left out."""
    body = json.loads(message.payload)
    context = revive_context(body["context"])
    with translation.override(body.get("language") or settings.LANGUAGE_CODE):
        subject = render_subject_line(f"{body['template']}_subject.txt", context)
        where_to_read = str(SMS_WHERE_TO_READ) if context.get("link") else ""
        vietnam_time = vietnam_time_note(context) if message.destination.startswith("+") else ""
        # A one-time code is the code and its warning alone: a number to call beside a code is what a
        # scam SMS looks like, and the code's SMS is long enough already.
        where_to_ask = "" if "code" in context else where_to_ask_sentence()
    if subject and not subject.endswith(SENTENCE_ENDS):
        # A subject line is no sentence; the SMS reads it as one, ended before the next begins.
        subject += "."
    return _facts_then_pointers(subject, vietnam_time, where_to_read, where_to_ask)


def _facts_then_pointers(facts: str, *pointers: str) -> str:
    """The facts, cut at `SMS_MAX_CHARS` only if they alone are longer, then each pointer that fits
    whole: a pointer cut short ("call 1800 54") would send the customer to someone else's number."""
    text = facts[:SMS_MAX_CHARS]
    for pointer in pointers:
        if pointer and len(text) + len(" ") + len(pointer) <= SMS_MAX_CHARS:
            text = f"{text} {pointer}".lstrip()
    return text


def _send_sms(message: OutboxMessage, now: datetime) -> str:
    """Send through the configured SMS gateway; "" on success."""
    try:
        text = render_sms(message)
    except (TemplateDoesNotExist, ValueError, KeyError) as exc:
        return f"cannot render: {type(exc).__name__}"
    try:
        sms_gateway().send(to=message.destination, text=text, reference=str(message.pk), now=now)
    except SmsError as exc:
        return f"sms error: {exc}"
    return ""


def render_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """The e-mail a stored message stands for, rendered in its language; its templates may give the
    hotline's number (`bank_hotline`). One that gives a date or a time ends saying it is Vietnam time
    (`vietnam_time_note`)."""
    body = json.loads(message.payload)
    context = {**revive_context(body["context"]), "bank_hotline": bank_hotline()}
    template = body["template"]
    with translation.override(body.get("language") or settings.LANGUAGE_CODE):
        subject = render_subject_line(f"{template}_subject.txt", context)
        text = email_body_text(template, context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = None
        vietnam_time = vietnam_time_note(context)
    if html and vietnam_time:
        html = html.replace("</body>", f"<p>{escape(vietnam_time)}</p></body>", 1)
    # A message to a customer names them (`subject_id`); staff mail names nobody.
    prefix = settings.CUSTOMER_EMAIL_SUBJECT_PREFIX if message.subject_id else settings.EMAIL_SUBJECT_PREFIX
    email = EmailMultiAlternatives(
        subject=f"{prefix}{subject}",
        body=text,
        to=[message.destination],
        headers={"X-QDL-Message": str(message.pk), "X-QDL-Topic": message.topic},
    )
    if html:
        email.attach_alternative(html, "text/html")
    for attachment in body.get("attachments", []):
        email.attach(attachment["filename"], attachment["content"], attachment.get("mimetype", "text/plain"))
    return email


def revive_context(value: Any, key: str = "") -> Any:
    """JSON back to template values: strings under keys ending in `_at` become datetimes."""
    if isinstance(value, dict):
        return {k: revive_context(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [revive_context(v, key) for v in value]
    if key.endswith("_at") and isinstance(value, str):
        return parse_datetime(value) or value
    return value


def _record_attempt(message: OutboxMessage, error: str, *, now: datetime) -> OutboxMessage:
    with transaction.atomic(durable=True):
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.status != OutboxMessage.Status.PENDING and (
            error or message.status != OutboxMessage.Status.CANCELLED
        ):
            # Ended while it was being sent (cancelled by the customer's erasure) and not delivered: its
            # status, emptied body and the notifier's record stay as they are, no other channel queued.
            logger.warning("outbox message ended during delivery", extra={"message_id": str(message.pk)})
            return message
        # Cancelled meanwhile but accepted by the gateway: it was sent, and is recorded so (its body
        # stays emptied), for the notifier too.
        if not error:
            message.status = OutboxMessage.Status.SENT
            message.sent_at = now
            message.last_error = ""
        elif message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.PARKED
            message.last_error = error
        else:
            message.next_attempt_at = now + backoff_delay(message.attempts)
            message.last_error = error
        message.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at"])
        # In the same transaction: a follower (the notifier) records the outcome or falls back.
        outbox_attempt_finished.send(sender=OutboxMessage, message=message, error=error, now=now)
    if error:
        logger.warning(
            "outbox delivery failed",
            extra={"message_id": str(message.pk), "attempts": message.attempts, "error": error},
        )
    return message
