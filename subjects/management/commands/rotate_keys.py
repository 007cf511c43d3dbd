"""`manage.py rotate_keys`: move every encrypted column to the first FIELD_ENCRYPTION_KEY and every
blind index to the current BLIND_INDEX_KEY, in bounded batches, while the platform keeps running.

Procedure (docs/security.md): put the new Fernet key first in FIELD_ENCRYPTION_KEY (old ones after
it) and/or move the old blind-index key to BLIND_INDEX_KEY_PREVIOUS, restart the platform, run this
command, then drop the old keys and restart again. Interrupted? Run it again: it continues after the
last finished batch (a checkpoint under VAR_DIR), and rows already done are skipped in any case.
"""
from __future__ import annotations

import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit.services import audit_record
from core.actors import Actor
from subjects.keys import (
    ROTATION_FINISHED,
    ROTATION_STARTED,
    encrypted_models,
    primary_key_fingerprint,
    rotate_batch,
    rotation_keys_rotated_from,
)

ACTOR = Actor.system("rotate_keys")


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column under the first key and recompute blind indexes, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument("--pause", type=float, default=0.0,
                            help="Seconds to sleep between batches, to leave the database to the platform.")
        parser.add_argument(
            "--restart", action="store_true", help="Ignore the checkpoint and scan everything again."
        )

    def handle(self, *args, batch_size, pause, restart, **options):
        if not 1 <= batch_size <= 10_000:
            raise CommandError("--batch-size must be between 1 and 10000.")
        checkpoint_path = settings.VAR_DIR / "rotate_keys.checkpoint.json"
        keys_id = primary_key_fingerprint()
        checkpoint = {} if restart else self._load(checkpoint_path, keys_id)
        specs = encrypted_models()
        tables = set(connection.introspection.table_names())
        missing = [spec.label for spec in specs if spec.model._meta.db_table not in tables]
        if missing:
            raise CommandError(f"Tables missing for {', '.join(missing)}: run `manage.py migrate` first.")
        with transaction.atomic(durable=True):
            # The keys rotated from are named, so start-up refuses to run without them until it finishes.
            audit_record(action=ROTATION_STARTED, actor=ACTOR, data={
                "models": [spec.label for spec in specs], "batch_size": batch_size,
                "resumed": bool(checkpoint.get("after")),
                "previous_blind_index_key": bool(settings.BLIND_INDEX_KEY_PREVIOUS),
                **rotation_keys_rotated_from(),
            })
        totals: dict[str, dict[str, int]] = {}
        unreadable = 0
        for spec in specs:
            done = checkpoint.setdefault("done", [])
            if spec.label in done:
                self.stdout.write(f"{spec.label}: already done (checkpoint)")
                continue
            after = checkpoint.setdefault("after", {}).get(spec.label)
            counts = totals.setdefault(spec.label, {"scanned": 0, "reencrypted": 0, "reindexed": 0})
            while True:
                result = rotate_batch(spec, after=after, size=batch_size)
                counts["scanned"] += result.scanned
                counts["reencrypted"] += result.reencrypted
                counts["reindexed"] += result.reindexed
                unreadable += result.unreadable
                if result.scanned:
                    after = result.last_pk
                    checkpoint["after"][spec.label] = str(after)
                    self._save(checkpoint_path, keys_id, checkpoint)
                    self.stdout.write(
                        f"{spec.label}: {counts['scanned']} rows scanned, "
                        f"{counts['reencrypted']} re-encrypted, {counts['reindexed']} re-indexed"
                    )
                if result.scanned < batch_size:
                    break
                if pause:
                    time.sleep(pause)
            done.append(spec.label)
            self._save(checkpoint_path, keys_id, checkpoint)
        with transaction.atomic(durable=True):
            audit_record(action=ROTATION_FINISHED, actor=ACTOR,
                         data={"models": totals, "unreadable_values": unreadable})
        checkpoint_path.unlink(missing_ok=True)
        if unreadable:
            raise CommandError(
                f"{unreadable} encrypted values could not be decrypted with any configured key and were left "
                "untouched. Add the key they were written with to FIELD_ENCRYPTION_KEY and run again."
            )
        self.stdout.write(self.style.SUCCESS(
            "Key rotation finished: every encrypted column is under the first FIELD_ENCRYPTION_KEY and "
            "every blind index under BLIND_INDEX_KEY. The old keys can now be removed."
        ))

    @staticmethod
    def _load(path, keys_id: str) -> dict:
        try:
            data = json.loads(path.read_text())
        except (FileNotFoundError, ValueError):
            return {}
        # A checkpoint from a rotation to other keys says nothing about this one.
        return data if data.get("keys") == keys_id else {}

    @staticmethod
    def _save(path, keys_id: str, checkpoint: dict) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({**checkpoint, "keys": keys_id}))
        tmp.replace(path)
