"""How the printable documents show the JSON's stable codes and times to a person, in the page's
language: the JSON download keeps the codes, the page shows their labels (`regulator.documents`)."""

from __future__ import annotations

import re
from datetime import datetime

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consents.models import AutomatedProcessing, LegalBasis, Purpose, Recipient
from core.labels import choice_label
from dsr.models.inventory import retention_start_in_reader_language
from regulator.models import DossierVersion, ProcessingActivity

register = template.Library()

_TIMELINE_EVENTS = {
    "occurred": _("Occurred"),
    "detected": _("Detected"),
    "notification_due": _("Notification due to the authority"),
}
_PHASE_SUBMITTED = re.compile(r"phase_(\d+)_submitted")
# A dossier's facts are named after the purpose's and the activity's fields, but for these.
_FACTS_OUTSIDE_THE_MODELS = {
    "notice_version": _("Notice version"),
    "transfer": _("Transfer to"),
    "assessment": _("Risk assessment and safeguards"),
}


@register.filter
def document_time(value: str | None) -> datetime | None:
    """A document's ISO 8601 time as a datetime, for the `date` filter."""
    return parse_datetime(value) if value else None


@register.filter
def legal_basis_label(code: str) -> str:
    return choice_label(LegalBasis.choices, code)


@register.filter
def automated_processing_label(code: str) -> str:
    return choice_label(AutomatedProcessing.choices, code)


@register.filter
def recipient_kind_label(code: str) -> str:
    return choice_label(Recipient.Kind.choices, code)


@register.filter
def change_cause_label(code: str) -> str:
    return choice_label(DossierVersion.Cause.choices, code)


@register.filter
def changed_fact_label(key: str) -> str:
    """What a dossier version changed, by the name the catalogue's forms give it."""
    if key in _FACTS_OUTSIDE_THE_MODELS:
        return str(_FACTS_OUTSIDE_THE_MODELS[key])
    for model in (Purpose, ProcessingActivity):
        try:
            return capfirst(model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            continue
    return key


@register.filter
def timeline_event_label(event: str) -> str:
    phase = _PHASE_SUBMITTED.fullmatch(event)
    if phase:
        return gettext("Phase %(phase)s notification submitted") % {"phase": phase.group(1)}
    return str(_TIMELINE_EVENTS.get(event, event))


@register.filter
def retention_start(period: dict) -> str:
    """When a document's retention period starts, in the page's language where the document names the
    start event (a dossier's facts do not: they stay in the filing language)."""
    return retention_start_in_reader_language(period["from"], period.get("start_event", ""))


@register.filter
def in_page_language(text: str) -> str:
    """A fixed text of the document (marked with `gettext_noop` where it is built) in the page's language."""
    return gettext(text)
