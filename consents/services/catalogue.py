"""Managing the purpose catalogue (the DPO's work); its recipients are `consents.services.recipients`,
new versions of a purpose's notice are in `consents.services.notices`."""

from __future__ import annotations

import copy
import re
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from consents.catalogue import catalogue_invalidate
from consents.models import (
    AutomatedProcessing,
    DataCategory,
    LegalBasis,
    Purpose,
    PurposeCategory,
    Recipient,
    TransferExemption,
)
from consents.scope import (
    SCOPE_FIELDS,
    latest_scope,
    purpose_destinations,
    purpose_scope,
    scope_sensitive,
    scope_widenings,
)
from consents.selectors import purpose_for_code
from consents.services.notices import (
    notice_add,
    notice_earliest_effective,
    notice_texts_paired,
    purpose_version_add,
)
from consents.services.scope_stops import CAUSE_PURPOSE_RETIRED, scope_stops_open
from core.actors import Actor
from core.db import conflict_on_duplicate
from core.errors import Conflict, InvalidInput

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
# Wording and offer fields: they change at once. The scope fields (`SCOPE_FIELDS`, the category among
# them) change through a new purpose version.
WORDING_FIELDS = (
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "consequences_vi",
    "consequences_en",
    "active",
)
PURPOSE_FIELDS = WORDING_FIELDS + tuple(f for f in SCOPE_FIELDS if f != "recipients")


def _clean_purpose(fields: dict[str, Any]) -> dict[str, Any]:
    """A copy of a purpose's given fields, checked and normalised; a name not in `PURPOSE_FIELDS` is
    refused."""
    unknown = set(fields) - set(PURPOSE_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s."), fields=", ".join(sorted(unknown)))
    fields = dict(fields)
    for name in ("name_vi", "name_en", "description_vi", "description_en"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
            if not fields[name]:
                raise InvalidInput(
                    _("Give the name and description in both Vietnamese and English."), field=name
                )
    for name in ("consequences_vi", "consequences_en"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
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
    if "data_categories" in fields:
        fields["data_categories"] = sorted(set(fields["data_categories"] or []))
        if set(fields["data_categories"]) - set(DataCategory.values):
            raise InvalidInput(_("Unknown data category."), field="data_categories")
    if fields.get("transfer_exemption") and fields["transfer_exemption"] not in TransferExemption.values:
        raise InvalidInput(_("Unknown exemption."), field="transfer_exemption")
    automated = fields.get("automated_processing")
    if automated and automated not in AutomatedProcessing.values:
        raise InvalidInput(_("Unknown kind of automated processing."), field="automated_processing")
    return fields


def _check_purpose_rules(
    purpose: Purpose, recipients: list[Recipient], *, scope_changed: bool = True
) -> None:
    """Refuse a purpose (as created, or as a change would leave it) that breaks a catalogue rule. The rules
    of its category are judged when its scope is set or changed: a purpose stored before them keeps its
    scope, and can still be reworded or withdrawn from offer (no data migration)."""
    if purpose.cross_border and not purpose.destination_country:
        raise InvalidInput(
            _("A cross-border purpose names the destination country."), field="destination_country"
        )
    if purpose.category == PurposeCategory.MARKETING and purpose.legal_basis != LegalBasis.CONSENT:
        raise InvalidInput(
            _("Marketing relies on consent only, separately withdrawable."), field="legal_basis"
        )
    # Processors act for the bank; anyone else receiving the data is a third party. Data sent to a
    # recipient abroad, a processor too, is a transfer abroad.
    abroad = purpose_destinations(purpose, recipients)
    # The rules for data abroad (children, exemptions, the receipt) read where the data goes, not the
    # category: a cross-border purpose whose data stays home would escape them all.
    if scope_changed and purpose.category == PurposeCategory.CROSS_BORDER and not abroad:
        raise InvalidInput(
            _(
                "A cross-border purpose sends data abroad: tick cross-border and give the destination "
                "country, or name a recipient abroad."
            ),
            field="destination_country",
        )
    transfers = bool(abroad) or any(r.kind != Recipient.Kind.PROCESSOR for r in recipients)
    if purpose.legal_basis == LegalBasis.CONSENT:
        if purpose.transfer_exemption:
            raise InvalidInput(
                _("An exemption from consent applies only to a purpose not based on consent."),
                field="transfer_exemption",
            )
    elif transfers and not purpose.transfer_exemption:
        raise InvalidInput(
            _(
                "Data sent abroad or to a third party needs the customer's consent. Choose the consent "
                "basis, or name the exemption the law gives: %(exemptions)s."
            ),
            field="transfer_exemption",
            exemptions="; ".join(str(label) for label in TransferExemption.labels),
        )


def _proposal(
    purpose: Purpose, changes: dict[str, Any], recipients: list[Recipient] | None
) -> tuple[Purpose, list[Recipient], dict[str, Any]]:
    """The purpose as `changes` (and `recipients`, when given) would make it, its recipients, and the
    latest version's scope it is judged against. The proposal starts from that scope, so it is judged
    against what the customers were (or will be) told, whatever the purpose row shows today."""
    base = latest_scope(purpose)
    proposed = copy.copy(purpose)
    for name, value in changes.items():
        setattr(proposed, name, value)
    for name in SCOPE_FIELDS:
        if name != "recipients" and name not in changes:
            setattr(proposed, name, base[name])
    proposed.sensitive = scope_sensitive(proposed.sensitive, proposed.data_categories)
    if recipients is None:
        recipients = list(Recipient.objects.filter(pk__in=[r["id"] for r in base["recipients"]]))
    return proposed, recipients, base


def purpose_scopes_refresh(*, actor: Actor, now: datetime | None = None) -> dict[str, str | None]:
    """The upgrade after the rules that derive a scope changed (a recipient abroad makes a transfer
    abroad): each purpose whose latest version, read by today's rules, reaches further than its
    customers were told gets that widening as a new version, 30 days ahead and announced, after which
    consents to older versions need re-consent (`purpose_update`). Returns {code: the new version}, and
    {code: None} for a purpose today's rules refuse as it stands (data abroad under a basis other than
    consent with no exemption named): the DPO decides its change. Running it again changes nothing."""
    now = now or timezone.now()
    refreshed: dict[str, str | None] = {}
    for purpose in Purpose.objects.order_by("code"):
        proposed, recipients, base = _proposal(purpose, {}, None)
        if not scope_widenings(base, purpose_scope(proposed, recipients)):
            continue
        try:
            purpose_update(
                actor=actor,
                code=purpose.code,
                changes={},
                effective_at=notice_earliest_effective(significant=True, now=now),
                now=now,
            )
        except InvalidInput:
            refreshed[purpose.code] = None
            continue
        refreshed[purpose.code] = purpose.notices.latest("effective_at").version
    return refreshed


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
    recipients = list(recipients or [])
    code = (code or "").strip().lower()
    if not CODE_RE.match(code):
        raise InvalidInput(
            _("The code is 2 to 64 lower-case letters, digits, dashes or underscores."), field="code"
        )
    fields = _clean_purpose(fields)
    notice_texts_paired(text_vi=notice_text_vi, text_en=notice_text_en)
    purpose = Purpose(code=code, **fields)
    purpose.sensitive = scope_sensitive(purpose.sensitive, purpose.data_categories)
    _check_purpose_rules(purpose, recipients)
    with transaction.atomic(durable=True):
        with conflict_on_duplicate(
            Conflict(_("A purpose with this code already exists."), code="duplicate_code", field="code")
        ):
            purpose.save(force_insert=True)
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
                "recipients": [r.pk for r in recipients],
            },
        )
        if notice_version:
            notice_add(
                actor=actor,
                purpose=purpose,
                version=notice_version,
                text_vi=notice_text_vi or purpose.description_vi,
                text_en=notice_text_en or purpose.description_en,
                effective_at=now,
                material=False,
                scope=purpose_scope(purpose, recipients),
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
    effective_at: datetime | None = None,
    notice_version: str = "",
    notice_text_vi: str = "",
    notice_text_en: str = "",
    now: datetime | None = None,
) -> Purpose:
    """Edit a purpose. Wording changes apply at once; a change of scope (`SCOPE_FIELDS`) is a new
    purpose version. A version that widens the scope is significant (never a choice): it takes effect
    30 days ahead at the earliest, is announced, and consents to older versions then need re-consent.
    A narrowing may take effect at once; scheduled later, it is announced 7 days ahead."""
    now = now or timezone.now()
    changes = _clean_purpose(changes)
    with transaction.atomic(durable=True):
        purpose = purpose_for_code(code, Purpose.objects.select_for_update())
        diff = {
            k: {"before": getattr(purpose, k), "after": v}
            for k, v in changes.items()
            if getattr(purpose, k) != v
        }
        latest = purpose.notices.order_by("-effective_at").first()
        proposed, new_recipients, base = _proposal(purpose, changes, recipients)
        scope = purpose_scope(proposed, new_recipients)
        _check_purpose_rules(proposed, new_recipients, scope_changed=scope != base)
        for name in WORDING_FIELDS:
            setattr(purpose, name, getattr(proposed, name))
        purpose.save()
        if diff.get("active", {}).get("after") is False:
            scope_stops_open(
                actor=actor, purpose=purpose, recipients=purpose.recipients.all(),
                cause=CAUSE_PURPOSE_RETIRED, now=now,
            )
        version = None
        if scope != base:
            version = purpose_version_add(
                actor=actor,
                purpose=purpose,
                latest=latest,
                scope=scope,
                widened=scope_widenings(base, scope),
                effective_at=effective_at,
                label=notice_version,
                text_vi=notice_text_vi,
                text_en=notice_text_en,
                now=now,
            )
            diff["scope"] = {"before": base, "after": scope}
        audit_record(
            action="consents.purpose.updated",
            actor=actor,
            target=purpose,
            now=now,
            data={"code": code, "changed": diff, "version": version.version if version else None},
        )
        catalogue_invalidate()
    return purpose
