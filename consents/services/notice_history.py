"""Notice versions in force before the platform was set up. Consents given then (Decree 13-era paper
forms, which stay valid: domain notes) are imported against the notice the customer was shown, so the
DPO first records the purpose's past versions with their real text and date.

Only ever before every version the purpose already has (history is prepended, newest back: a bank with
v2022 and v2024 records v2024, then v2022): every consent already recorded keeps its version, and every
version keeps the days it was in force. History is never announced (no customer is told of the past)
and, like every notice version, never edited afterwards: no service changes a version once added."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.catalogue import catalogue_invalidate
from consents.models import NoticeVersion, Purpose
from consents.scope import purpose_scope
from consents.selectors import purpose_for_code
from consents.services.notices import notice_add
from core.actors import Actor
from core.errors import InvalidInput
from core.moments import moment_for_people

# Where the DPO records them: named by the import's refusal of a row older than every notice.
HISTORY_PAGE = _("Purposes → New notice version → Record a past notice version")


def notice_record_historical(
    *,
    actor: Actor,
    code: str,
    version: str,
    text_vi: str,
    text_en: str,
    effective_at: datetime | None,
    now: datetime | None = None,
) -> NoticeVersion:
    """Record a version of `code`'s notice that was in force from `effective_at`, in the past and before
    every version the purpose has. It describes the scope of the purpose's earliest version (the only
    scope the bank has told the platform), is applied already and is never announced."""
    now = now or timezone.now()
    if effective_at is None or effective_at >= now:
        raise InvalidInput(
            _("A past notice version took effect in the past: give the date it came into force."),
            field="effective_at",
        )
    with transaction.atomic(durable=True):
        purpose = purpose_for_code(code, Purpose.objects.select_for_update())
        earliest = purpose.notices.order_by("effective_at").first()
        if earliest is not None and effective_at >= earliest.effective_at:
            raise InvalidInput(
                _(
                    "A past notice version must have taken effect before the earliest version the purpose "
                    "has (%(version)s, from %(when)s): record past versions from the newest back."
                ),
                field="effective_at",
                version=earliest.version,
                when=moment_for_people(earliest.effective_at),
            )
        notice = notice_add(
            actor=actor,
            purpose=purpose,
            version=version,
            text_vi=text_vi,
            text_en=text_en,
            effective_at=effective_at,
            material=False,
            scope=earliest.scope if earliest is not None else purpose_scope(purpose),
            now=now,
            history=True,
        )
        catalogue_invalidate()
    return notice


def notice_history_missing_error(purpose: Purpose, *, on: datetime) -> InvalidInput:
    """The import's refusal of an answer given on `on`, before every version of `purpose`'s notice: it
    says what to do."""
    return InvalidInput(
        _(
            "The purpose “%(purpose)s” had no notice in force on %(day)s. Record the notice version in force "
            "on that date first (%(page)s), then import this row again."
        ),
        field="granted_at",
        purpose=purpose.code,
        day=timezone.localdate(on).strftime("%d/%m/%Y"),
        page=HISTORY_PAGE,
    )
