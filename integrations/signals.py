"""Signals the outbox sends so that a higher layer can follow its messages without being imported.

`outbox_attempt_finished(message, error, now)` is sent inside the transaction that records each
delivery attempt (the message row is locked): `error` is "" when it was delivered. The notifier
(`notifications`) receives it to record the outcome and fall back to the customer's next channel.
"""

from django.dispatch import Signal

outbox_attempt_finished = Signal()
