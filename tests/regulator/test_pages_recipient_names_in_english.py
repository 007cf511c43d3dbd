"""The regulator's pages name recipients in the reader's language: the record of processing activities,
the dossiers list and a dossier's page read in English give a recipient's English name (its Vietnamese
one when the bank gave none). What they render is unchanged: the record's JSON and a dossier version's
facts and fingerprint keep the Vietnamese name, as filed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from regulator import services
from regulator.models import Dossier, DossierKind
from tests.consents.factories import make_purpose, make_recipient
from tests.factories import signed_in
from tests.regulator.factories import DPO, MONDAY

pytestmark = pytest.mark.django_db

VIETNAMESE = "Trụ sở chính Tokyo"
ENGLISH = "Tokyo Head Office"
UNTRANSLATED = "Bảo hiểm Đối tác"


@pytest.fixture
def transfer():
    head_office = make_recipient(VIETNAMESE, name_en=ENGLISH, kind="foreign_head_office")
    head_office.country = "JP"
    head_office.save(update_fields=["country"])
    return make_purpose(
        "transfer", category="cross_border", cross_border=True, destination_country="JP",
        recipients=[head_office, make_recipient(UNTRANSLATED)], effective_at=MONDAY - timedelta(days=90),
    )


def _url(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def _part(client, language: str, name: str, *args, start: str = "<tbody", end: str = "</tbody>") -> str:
    """The part of the page `name` read in `language` from `start` to `end`."""
    page = client.get(_url(language, name, *args)).content.decode()
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def _named(text: str) -> tuple[bool, bool]:
    return ENGLISH in text, VIETNAMESE in text


def test_the_processing_record_names_recipients_in_the_readers_language(dpo, transfer):
    client = signed_in(dpo)
    english = _part(client, "en", "regulator:processing_record")
    assert _named(english) == (True, False) and UNTRANSLATED in english
    assert _named(_part(client, "vi", "regulator:processing_record")) == (False, True)
    # The document itself names the recipient as the catalogue's Vietnamese name, in either language.
    document = client.get(_url("en", "regulator:processing_record"), {"format": "json"}).json()
    (entry,) = [e for e in document["entries"] if e["purpose"] == "transfer"]
    assert {r["name"] for r in entry["recipients"]} == {VIETNAMESE, UNTRANSLATED}


def test_the_dossiers_list_names_the_transfers_recipient_in_the_readers_language(dpo, transfer):
    services.dossiers_sync(actor=DPO, now=MONDAY)
    client = signed_in(dpo)
    assert _named(_part(client, "en", "regulator:dossier_list")) == (True, False)
    assert _named(_part(client, "vi", "regulator:dossier_list")) == (False, True)


@pytest.mark.parametrize("kind", [DossierKind.PROCESSING, DossierKind.TRANSFER])
def test_a_dossiers_page_names_recipients_in_the_readers_language_and_its_facts_keep_the_filed_name(
    dpo, transfer, kind
):
    services.dossiers_sync(actor=DPO, now=MONDAY)
    # The transfer dossier is the head office's: its facts' transfer names it, beside the purpose's
    # recipients.
    dossier = Dossier.objects.filter(kind=kind, purpose=transfer).order_by("recipient__name").last()
    version = dossier.versions.get()
    filed = (version.content, version.fingerprint)
    client = signed_in(dpo)
    article = {"start": 'data-testid="dossier"', "end": "</article>"}
    english = _part(client, "en", "regulator:dossier_detail", dossier.pk, **article)
    assert _named(english) == (True, False) and UNTRANSLATED in english
    assert _named(_part(client, "vi", "regulator:dossier_detail", dossier.pk, **article)) == (False, True)
    version.refresh_from_db()
    assert (version.content, version.fingerprint) == filed
    assert VIETNAMESE in str(version.content) and ENGLISH not in str(version.content)
    document = client.get(_url("en", "regulator:dossier_detail", dossier.pk), {"format": "json"}).json()
    assert ENGLISH not in str(document["facts"])
