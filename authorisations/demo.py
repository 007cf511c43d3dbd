"""Demo data: one registered third party (an accounting service) that customer1 has authorised, with
a read in its access log, so /me/authorisations/ and the portal registry show something."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from authorisations import services
from authorisations.models import Authorisation, ThirdParty
from core.actors import Actor

DEMO_TAX_CODE = "0312345678"


def seed(context: dict) -> None:
    actor = context["actor"]
    third_party = ThirdParty.objects.filter(tax_code=DEMO_TAX_CODE).first()
    if third_party is None:
        third_party = services.third_party_register(
            actor=actor,
            legal_name="Công ty TNHH Kế toán Số MISA Demo",
            tax_code=DEMO_TAX_CODE,
            licence_ref="ĐKKD 0312345678",
            contact_email="openapi@ketoan-demo.example.vn",
            purpose="Đối soát giao dịch ngân hàng vào sổ kế toán của bạn",
            purpose_en="Reconcile your bank transactions into your accounting books",
            redirect_uris=["https://ketoan-demo.example.vn/oauth/callback"],
            scopes=["accounts:read", "balances:read", "transactions:read"],
        ).third_party
    customer = context["users"]["customer1"]
    subject = context["subjects"]["CIF0000001"]
    if Authorisation.objects.filter(subject=subject, third_party=third_party).exists():
        return
    now = timezone.now()
    authorisation = services.authorisation_grant(
        actor=Actor(kind="customer", user_id=customer.pk, label=f"customer#{customer.pk}"),
        user=customer,
        subject=subject,
        third_party=third_party,
        scopes=["accounts:read", "transactions:read"],
        duration_days=180,
        now=now - timedelta(days=10),
    )
    services.access_record(
        actor=Actor.system("seed_demo"),
        authorisation_id=authorisation.pk,
        scope="transactions:read",
        accessed_at=now - timedelta(days=1),
        record_count=37,
        now=now,
    )
