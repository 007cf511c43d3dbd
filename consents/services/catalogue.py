"""Managing the purpose catalogue, its notice versions and recipients (the DPO's work)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from consents.catalogue import catalogue_invalidate
from consents.models import LegalBasis, NoticeVersion, Purpose, PurposeCategory, Recipient
from core.actors import Actor
from core.errors import Conflict, InvalidInput, NotFound

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
PURPOSE_FIELDS = (
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "category",
    "legal_basis",
    "sensitive",
    "cross_border",
    "destination_country",
    "active",
)


def _clean_purpose(fields: dict[str, Any]) -> dict[str, Any]:
    for name in ("name_vi", "name_en", "description_vi", "description_en"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
            if not fields[name]:
                raise InvalidInput(
                    _("Give the name and description in both Vietnamese and English."), field=name
                )
    if "category" in fields and fields["category"] not in PurposeCategory.values:
        raise InvalidInput(_("Unknown category."), field="category")
    if "legal_basis" in fields and fields["legal_basis"] not in LegalBasis.values:
        raise InvalidInput(_("Unknown legal basis."), field="legal_basis")
    if "destination_country" in fields:
        fields["destination_country"] = (fields["destination_country"] or "").strip().upper()
        if fields["destination_country"] and not re.fullmatch(r"[A-Z]{2}", fields["destination_country"]):
            raise InvalidInput(
                _("Give the country as a two-letter ISO code, e.g. JP."), field="destination_country"
            )
    return fields


def _check_cross_border(purpose: Purpose) -> None:
    if purpose.cross_border and not purpose.destination_country:
        raise InvalidInput(
            _("A cross-border purpose names the destination country."), field="destination_country"
        )
    if purpose.category == PurposeCategory.MARKETING and purpose.legal_basis != LegalBasis.CONSENT:
        raise InvalidInput(
            _("Marketing relies on consent only, separately withdrawable."), field="legal_basis"
        )


def purpose_create(
    *,
    actor: Actor,
    code: str,
    recipients: list[Recipient] | None = None,
    notice_version: str = "",
    notice_text_vi: str = "",
    notice_text_en: str = "",
    now: datetime | None = None,
    **fields: Any,
) -> Purpose:
    """Add a purpose to the catalogue, with its first notice version when given."""
    now = now or timezone.now()
    code = (code or "").strip().lower()
    if not CODE_RE.match(code):
        raise InvalidInput(
            _("The code is 2 to 64 lower-case letters, digits, dashes or underscores."), field="code"
        )
    unknown = set(fields) - set(PURPOSE_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s."), fields=", ".join(sorted(unknown)))
    fields = _clean_purpose(fields)
    purpose = Purpose(code=code, **fields)
    _check_cross_border(purpose)
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                purpose.save(force_insert=True)
        except IntegrityError:
            raise Conflict(
                _("A purpose with this code already exists."), code="duplicate_code", field="code"
            ) from None
        if recipients:
            purpose.recipients.set(recipients)
        audit_record(
            action="consents.purpose.created",
            actor=actor,
            target=purpose,
            now=now,
            data={
                "code": code,
                "legal_basis": purpose.legal_basis,
                "sensitive": purpose.sensitive,
                "recipients": [r.pk for r in recipients or []],
            },
        )
        if notice_version:
            _notice_add(
                actor=actor,
                purpose=purpose,
                version=notice_version,
                text_vi=notice_text_vi or purpose.description_vi,
                text_en=notice_text_en or purpose.description_en,
                effective_at=now,
                material=False,
                now=now,
            )
        catalogue_invalidate()
    return purpose


def purpose_update(
    *,
    actor: Actor,
    code: str,
    changes: dict[str, Any],
    recipients: list[Recipient] | None = None,
    now: datetime | None = None,
) -> Purpose:
    """Edit a purpose. Wording that changes what customers agreed to belongs in a new notice version."""
    now = now or timezone.now()
    unknown = set(changes) - set(PURPOSE_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s."), fields=", ".join(sorted(unknown)))
    changes = _clean_purpose(dict(changes))
    with transaction.atomic(durable=True):
        purpose = Purpose.objects.select_for_update().filter(code=code).first()
        if purpose is None:
            raise NotFound(_("No purpose with this code."))
        if (
            "legal_basis" in changes
            and changes["legal_basis"] != purpose.legal_basis
            and purpose.consents.exists()
        ):
            raise Conflict(
                _(
                    "The legal basis of a purpose with consent records cannot change; create a new "
                    "purpose instead."
                ),
                code="legal_basis_locked",
                field="legal_basis",
            )
        diff = {
            k: {"before": getattr(purpose, k), "after": v}
            for k, v in changes.items()
            if getattr(purpose, k) != v
        }
        for name, value in changes.items():
            setattr(purpose, name, value)
        _check_cross_border(purpose)
        purpose.save()
        if recipients is not None:
            before = sorted(purpose.recipients.values_list("pk", flat=True))
            purpose.recipients.set(recipients)
            after = sorted(r.pk for r in recipients)
            if before != after:
                diff["recipients"] = {"before": before, "after": after}
        audit_record(
            action="consents.purpose.updated",
            actor=actor,
            target=purpose,
            now=now,
            data={"code": code, "changed": diff},
        )
        catalogue_invalidate()
    return purpose


def _notice_add(
    *,
    actor: Actor,
    purpose: Purpose,
    version: str,
    text_vi: str,
    text_en: str,
    effective_at: datetime,
    material: bool,
    now: datetime,
) -> NoticeVersion:
    version = (version or "").strip()
    if not version or len(version) > 32:
        raise InvalidInput(_("Give a version label of at most 32 characters, e.g. 2026-01."), field="version")
    if not (text_vi or "").strip() or not (text_en or "").strip():
        raise InvalidInput(_("Give the notice text in both Vietnamese and English."), field="text_vi")
    latest = purpose.notices.order_by("-effective_at").first()
    if latest is not None and effective_at <= latest.effective_at:
        raise Conflict(
            _("A new notice version must take effect after the latest one (%(latest)s)."),
            code="notice_not_after_latest",
            field="effective_at",
            latest=latest.version,
        )
    try:
        with transaction.atomic():
            notice = NoticeVersion.objects.create(
                purpose=purpose,
                version=version,
                text_vi=text_vi.strip(),
                text_en=text_en.strip(),
                effective_at=effective_at,
                material=material,
            )
    except IntegrityError:
        raise Conflict(
            _("This purpose already has a notice with this version."),
            code="duplicate_version",
            field="version",
        ) from None
    audit_record(
        action="consents.notice.published",
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
    """Publish a new notice version. A material one makes earlier consents outdated from `effective_at`
    (domain notes: announced 7 days ahead, 30 when it significantly affects customers)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        purpose = Purpose.objects.select_for_update().filter(code=code).first()
        if purpose is None:
            raise NotFound(_("No purpose with this code."))
        notice = _notice_add(
            actor=actor,
            purpose=purpose,
            version=version,
            text_vi=text_vi,
            text_en=text_en,
            effective_at=effective_at or now,
            material=material,
            now=now,
        )
        catalogue_invalidate()
    return notice


def recipient_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    country: str = "VN",
    client=None,
    endpoint=None,
    now: datetime | None = None,
) -> Recipient:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("Give the recipient's name."), field="name")
    if kind not in Recipient.Kind.values:
        raise InvalidInput(_("Unknown kind of recipient."), field="kind")
    country = (country or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise InvalidInput(_("Give the country as a two-letter ISO code, e.g. VN."), field="country")
    # The endpoint's owner is the integration client that acknowledges this recipient's duties.
    client = client or (endpoint.client if endpoint is not None else None)
    if endpoint is not None and endpoint.client_id != client.pk:
        raise InvalidInput(_("The webhook endpoint belongs to another integration client."), field="endpoint")
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                recipient = Recipient.objects.create(
                    name=name, kind=kind, country=country, client=client, endpoint=endpoint
                )
        except IntegrityError:
            raise Conflict(
                _("A recipient with this name already exists."), code="duplicate_name", field="name"
            ) from None
        audit_record(
            action="consents.recipient.created",
            actor=actor,
            target=recipient,
            now=now,
            data={"kind": kind, "country": country, "client": client.pk if client else None},
        )
    return recipient


def recipient_endpoint_link(*, endpoint, recipient_id: int | None) -> None:
    """Make `endpoint` the webhook endpoint of one recipient (None: of none), in the caller's
    transaction (the endpoint services of `integrations`, through its recipient directory)."""
    with transaction.atomic(savepoint=False):
        Recipient.objects.filter(endpoint=endpoint).exclude(pk=recipient_id).update(endpoint=None)
        if recipient_id is None:
            return
        recipient = Recipient.objects.select_for_update().filter(pk=recipient_id, active=True).first()
        if recipient is None:
            raise InvalidInput(_("Unknown recipient."), field="recipient")
        if recipient.client_id not in (None, endpoint.client_id):
            raise InvalidInput(_("The recipient belongs to another integration client."), field="recipient")
        recipient.endpoint = endpoint
        recipient.client_id = endpoint.client_id
        recipient.save(update_fields=["endpoint", "client"])
