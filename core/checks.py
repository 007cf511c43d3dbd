"""The tag of the start-up checks on keys: encryption, blind-index and audit-seal keys that cannot read
or verify the data already stored stop `check`, `migrate` and Celery (subjects/checks.py runs them)."""

KEYS_TAG = "keys"
