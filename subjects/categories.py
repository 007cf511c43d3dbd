"""What kind of personal data (data category) each field of the customer record is, in the codes the
purposes declare (`consents.models.DataCategory`, a purpose's `data_categories`) and the platform's
categories in the systems inventory name (`dsr.models.PlatformData`). The one table of it: a deletion
erases the fields of a category (`dsr.services.erasure`), and a rectification is passed on to a
recipient only for the fields of the categories shared with it (`consents.services.duties`)."""
from __future__ import annotations

from collections.abc import Iterable

IDENTITY = "identity"
CONTACT = "contact"
CREDIT_CUSTOMER = "credit_customer"

# The reference of the document that proved a guardian's authority names the child (a birth certificate's
# number): identity, erased with it, though never shown among the values staff unmask.
IDENTITY_FIELDS = ("full_name", "national_id", "passport_number", "date_of_birth", "guardian_evidence")
CONTACT_FIELDS = ("phone", "email", "address")

CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    IDENTITY: IDENTITY_FIELDS,
    CONTACT: CONTACT_FIELDS,
    # The customer information a credit institution holds starts with what identifies the customer
    # (domain notes: "identity, accounts, deposits, transactions"; the identification data of the
    # anti-money-laundering rules include the address and phone): every field of the record.
    CREDIT_CUSTOMER: IDENTITY_FIELDS + CONTACT_FIELDS,
}
# The fields some category names; a field outside them is not known to be outside any category.
CATEGORISED_FIELDS = frozenset(field for fields in CATEGORY_FIELDS.values() for field in fields)


def fields_shared(fields: Iterable[str], categories: Iterable[str]) -> list[str]:
    """Of the record's `fields`, those that data of `categories` includes, sorted. Told less rather than
    more only where it is known: a field no category names counts as included, and no categories at
    all (a purpose that declares none says nothing of what it shares) include every field."""
    categories = set(categories)
    if not categories:
        return sorted(fields)
    included = {field for category in categories for field in CATEGORY_FIELDS.get(category, ())}
    return sorted(field for field in fields if field in included or field not in CATEGORISED_FIELDS)
