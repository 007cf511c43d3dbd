"""New versions of a purpose's notice: when they may take effect, publishing them, and giving the
purpose a version's scope once it is in effect."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from consents.catalogue import catalogue_invalidate
from consents.models import LegalBasis, NoticeVersion, Purpose, notices_in_force_by
from consents.scope import SCOPE_FIELDS, purpose_scope
from consents.selectors import purpose_for_code
from consents.services.announcements import announcement_create_locked, lead_days_for
from consents.services.scope_stops import CAUSE_PURPOSE_WIDENED, CAUSE_RECIPIENT_REMOVED, scope_stops_open
from core.actors import Actor
from core.db import conflict_on_duplicate
from core.errors import Conflict, InvalidInput
from core.moments import moment_for_people, next_whole_minute

# A client that means "now" by its own clock sends a moment a little behind the server's: taken as now.
CLOCK_LEEWAY = timedelta(minutes=1)


def _from_now_on(effective_at: datetime, *, now: datetime) -> datetime:
    """The moment a new version takes effect, never in the past: a backdated version would rewrite
    which notice was in force when customers consented (their records name the version then current),
    what the check as of a past moment answers and what past months' reports counted. The past is
    recorded only as history before every version (`notice_record_historical`)."""
    if effective_at >= now:
        return effective_at
    if effective_at >= now - CLOCK_LEEWAY:
        return now
    raise InvalidInput(
        _(
            "A new version cannot take effect in the past: leave the date empty for now, or choose a later "
            "date. A version the bank used before is recorded as a past notice version."
        ),
        field="effective_at",
    )


def _earliest_effective(*, significant: bool, now: datetime) -> datetime:
    return now + timedelta(days=lead_days_for(significant=significant))


def notice_earliest_effective(*, significant: bool, now: datetime | None = None) -> datetime:
    """The earliest start a new version of a purpose's notice may take (a read, for the form's hint)."""
    return _earliest_effective(significant=significant, now=now or timezone.now())


def _refuse_too_early(*, significant: bool, now: datetime) -> InvalidInput:
    earliest = timezone.localtime(next_whole_minute(_earliest_effective(significant=significant, now=now)))
    return InvalidInput(
        _(
            "Customers must be told %(days)s days before this change takes effect. Choose %(earliest)s "
            "or later."
        ),
        field="effective_at",
        data={"earliest_effective_at": earliest.isoformat()},
        days=lead_days_for(significant=significant),
        earliest=moment_for_people(earliest),
    )


def notice_texts_paired(*, text_vi: str, text_en: str) -> None:
    """Refuse a notice rewritten in one language only: the other would go on telling customers the old
    wording, and a receipt would prove two different notices at once. Both or neither (the text then
    carries over)."""
    given = {"notice_text_vi": (text_vi or "").strip(), "notice_text_en": (text_en or "").strip()}
    missing = [name for name, text in given.items() if not text]
    if len(missing) == 1:
        raise InvalidInput(
            _(
                "Give the new notice text in both Vietnamese and English, or in neither to keep the "
                "current text: customers reading either language must be told the same thing."
            ),
            field=missing[0],
        )


def purpose_version_add(
    *,
    actor: Actor,
    purpose: Purpose,
    latest: NoticeVersion | None,
    scope: dict[str, Any],
    widened: list[str],
    effective_at: datetime | None,
    label: str,
    text_vi: str,
    text_en: str,
    now: datetime,
) -> NoticeVersion:
    """Add the purpose version a scope change makes, in the caller's transaction (`purpose_update`)."""
    notice_texts_paired(text_vi=text_vi, text_en=text_en)
    significant = bool(widened)
    if effective_at is None:
        if significant:
            raise _refuse_too_early(significant=True, now=now)
        effective_at = now
    effective_at = _from_now_on(effective_at, now=now)
    at_once = effective_at <= now
    if (significant or not at_once) and effective_at < _earliest_effective(significant=significant, now=now):
        raise _refuse_too_early(significant=significant, now=now)
    count = purpose.notices.count()
    notice = notice_add(
        actor=actor,
        purpose=purpose,
        version=label or f"{timezone.localdate(effective_at):%Y-%m}-v{count + 1}",
        text_vi=text_vi or (latest.text_vi if latest else purpose.description_vi),
        text_en=text_en or (latest.text_en if latest else purpose.description_en),
        effective_at=effective_at,
        material=significant,
        scope=scope,
        now=now,
    )
    if at_once:
        _scope_apply(purpose, notice, actor=actor, now=now)
    else:
        announcement_create_locked(actor=actor, notice=notice, now=now)
    return notice


def _scope_apply(purpose: Purpose, notice: NoticeVersion, *, actor: Actor, now: datetime) -> None:
    """Copy a version's scope onto the purpose row once it is in effect; the recipients it no longer
    names are told to stop under the consents that let them receive the data, and, when it widens the
    purpose, those it still names are told to pause under the consents to older versions; their clock
    runs from when the version took effect (the job may apply it later)."""
    scope = notice.scope
    kept = [r["id"] for r in scope["recipients"]]
    effective_at = min(notice.effective_at, now)
    scope_stops_open(
        actor=actor, purpose=purpose, recipients=purpose.recipients.exclude(pk__in=kept),
        cause=CAUSE_RECIPIENT_REMOVED, now=now, effective_at=effective_at,
    )
    if notice.material and scope.get("legal_basis", purpose.legal_basis) == LegalBasis.CONSENT:
        # A widening: the consents to older versions no longer cover what the bank does (the check answers
        # `reconsent_required`), so the recipients that received the data under them, and that the new
        # version still names, pause until the customer agrees to it (`widening_pauses_lift`).
        scope_stops_open(
            actor=actor, purpose=purpose, recipients=purpose.recipients.filter(pk__in=kept),
            cause=CAUSE_PURPOSE_WIDENED, now=now, effective_at=effective_at,
        )
    # A version scheduled by a release that kept the category as wording has none: the purpose keeps its own.
    for name in SCOPE_FIELDS:
        if name != "recipients" and name in scope:
            setattr(purpose, name, scope[name])
    purpose.save()
    purpose.recipients.set(kept)
    notice.applied_at = now
    notice.save(update_fields=["applied_at"])


def purpose_versions_apply_due(*, now: datetime | None = None) -> int:
    """The job: give each purpose the scope of the version that has just taken effect (idempotent)."""
    now = now or timezone.now()
    actor = Actor.system("purpose_versions")
    applied = 0
    due = NoticeVersion.objects.filter(notices_in_force_by(now), applied_at__isnull=True)
    for pk in list(due.order_by("effective_at").values_list("pk", flat=True)):
        with transaction.atomic(durable=True):
            notice = NoticeVersion.objects.select_for_update().filter(pk=pk, applied_at__isnull=True).first()
            if notice is None:
                continue
            purpose = Purpose.objects.select_for_update().get(pk=notice.purpose_id)
            _scope_apply(purpose, notice, actor=actor, now=now)
            audit_record(
                action="consents.purpose.version_applied",
                actor=actor,
                target=purpose,
                now=now,
                data={"code": purpose.code, "version": notice.version, "significant": notice.material},
            )
            catalogue_invalidate()
        applied += 1
    return applied


def notice_add(
    *,
    actor: Actor,
    purpose: Purpose,
    version: str,
    text_vi: str,
    text_en: str,
    effective_at: datetime,
    material: bool,
    scope: dict[str, Any],
    now: datetime,
    history: bool = False,
) -> NoticeVersion:
    """Add one notice version with its audit entry, in the caller's transaction. `history`: a version
    in force before every one the purpose has, which the caller has checked (`notice_record_historical`)."""
    version = (version or "").strip()
    if not version or len(version) > 32:
        raise InvalidInput(_("Give a version label of at most 32 characters, e.g. 2026-01."), field="version")
    if not (text_vi or "").strip() or not (text_en or "").strip():
        raise InvalidInput(_("Give the notice text in both Vietnamese and English."), field="text_vi")
    latest = None if history else purpose.notices.order_by("-effective_at").first()
    if latest is not None and effective_at <= latest.effective_at:
        raise Conflict(
            _("A new notice version must take effect after the latest one (%(latest)s)."),
            code="notice_not_after_latest",
            field="effective_at",
            latest=latest.version,
        )
    with conflict_on_duplicate(
        Conflict(
            _("This purpose already has a notice with this version."),
            code="duplicate_version",
            field="version",
        )
    ):
        notice = NoticeVersion.objects.create(
            purpose=purpose,
            version=version,
            text_vi=text_vi.strip(),
            text_en=text_en.strip(),
            effective_at=effective_at,
            material=material,
            scope=scope,
            applied_at=now if effective_at <= now else None,
        )
    audit_record(
        action="consents.notice.history_recorded" if history else "consents.notice.published",
        actor=actor,
        target=notice,
        now=now,
        data={
            "purpose": purpose.code,
            "version": version,
            "material": material,
            "effective_at": effective_at.isoformat(),
        },
    )
    return notice


def notice_publish(
    *,
    actor: Actor,
    code: str,
    version: str,
    text_vi: str,
    text_en: str,
    effective_at: datetime | None = None,
    material: bool = False,
    now: datetime | None = None,
) -> NoticeVersion:
    """Publish a new wording of a purpose's notice (its scope unchanged; scope changes go through
    `purpose_update`). A purpose's first notice may take effect at once; every later one is announced
    and takes effect 7 days ahead at the earliest, 30 when material (domain notes: "Notices are
    versioned"), and a material one makes earlier consents need re-consent from `effective_at`."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        purpose = purpose_for_code(code, Purpose.objects.select_for_update())
        latest = purpose.notices.order_by("-effective_at").first()
        effective_at = _from_now_on(effective_at or now, now=now)
        if latest is not None and effective_at < _earliest_effective(significant=material, now=now):
            raise _refuse_too_early(significant=material, now=now)
        notice = notice_add(
            actor=actor,
            purpose=purpose,
            version=version,
            text_vi=text_vi,
            text_en=text_en,
            effective_at=effective_at,
            material=material,
            scope=latest.scope if latest is not None else purpose_scope(purpose),
            now=now,
        )
        if latest is not None:
            announcement_create_locked(actor=actor, notice=notice, now=now)
        catalogue_invalidate()
    return notice
