"""Reads on data subjects shared by the API, the pages and the other apps."""
from __future__ import annotations

import json
import re

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet

from core.crypto import blind_index_candidates
from core.db import prepared_cursor
from core.errors import InvalidInput, NotFound
from core.models import ApiToken, DataSubject
from core.validators import normalize_email, normalize_national_id, normalize_phone

# Need to know (domain notes "Staff roles"): staff see a customer's personal values only after giving
# a reason; until then each value is cut to what tells two customers apart at the counter.
PERSONAL_FIELDS = (
    "full_name", "national_id", "passport_number", "date_of_birth", "phone", "email", "address",
)
MAX_ACCESS_REASON_LENGTH = 500


def personal_value_masked(field: str, value):
    """The masked form of one personal value: initials, the last four digits, the e-mail's domain."""
    if value in (None, ""):
        return value
    if field == "date_of_birth":
        return None
    text = str(value)
    if field == "full_name":
        return " ".join(f"{part[0]}***" for part in text.split())
    if field == "email":
        local, _at, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    if field == "address":
        return "***"
    return "*" * max(len(text) - 4, 0) + text[-4:]


def subject_list() -> QuerySet[DataSubject]:
    return DataSubject.objects.all().order_by("external_ref")


def subject_by_ref(external_ref: str) -> DataSubject:
    subject = DataSubject.objects.filter(external_ref=external_ref).first()
    if subject is None:
        raise NotFound("No customer with this customer number (CIF).", code="subject_not_found")
    return subject


def subject_for_user(user) -> DataSubject | None:
    """The data subject a customer login stands for, or None for staff and clients."""
    account = getattr(user, "customer_account", None)
    return account.subject if account is not None else None


def subject_search(query: str) -> QuerySet[DataSubject]:
    """Exact look-up by CIF, citizen ID, phone or e-mail, through the blind indexes.

    Encrypted values cannot be matched partially; a branch officer types the whole identifier.
    """
    query = (query or "").strip()
    if not query:
        return DataSubject.objects.none()
    conditions = Q(external_ref=query)
    digits = re.sub(r"[\s.+()-]", "", query)
    if "@" in query:
        try:
            conditions |= Q(email_index__in=blind_index_candidates(normalize_email(query)))
        except InvalidInput:
            pass
    elif digits.isdigit():
        indexes = ((normalize_national_id, "national_id_index"), (normalize_phone, "phone_index"))
        for normalize, field in indexes:
            try:
                conditions |= Q(**{f"{field}__in": blind_index_candidates(normalize(query))})
            except InvalidInput:
                continue
    return DataSubject.objects.filter(conditions).order_by("external_ref")


def subject_filter_by_index(
    queryset: QuerySet[DataSubject], *, field: str, value: str
) -> QuerySet[DataSubject]:
    normalizers = {"national_id": normalize_national_id, "phone": normalize_phone, "email": normalize_email}
    try:
        normalized = normalizers[field](value)
    except InvalidInput:
        return queryset.none()
    return queryset.filter(**{f"{field}_index__in": blind_index_candidates(normalized)})


def token_by_key_hash(key_hash: str) -> ApiToken | None:
    """A live token of an active user, or None: one prepared query on the unique hash.

    Runs on every API call, so it skips the ORM (whose query building cost more than the query)
    and loads no user row; `core.principals` keeps tokens and users briefly per worker.
    """
    token_table, user_table = ApiToken._meta.db_table, get_user_model()._meta.db_table
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.user_id, t.scopes, t.prefix FROM {token_table} t "  # noqa: S608 (names from models)
            f"JOIN {user_table} u ON u.id = t.user_id "
            "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active = %s",
            [key_hash, True],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    pk, user_id, scopes, prefix = row
    # JSON arrives as text from SQLite and from Django's PostgreSQL adapters alike.
    scopes = json.loads(scopes) if isinstance(scopes, str) else scopes
    return ApiToken(pk=pk, user_id=user_id, scopes=scopes, prefix=prefix, key_hash=key_hash)


def token_list(*, username: str | None = None) -> QuerySet[ApiToken]:
    """API tokens, live and revoked, newest first, with their users (for the list command and page)."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
    if username:
        tokens = tokens.filter(user__username=username)
    return tokens


def token_with_prefix(prefix: str) -> QuerySet[ApiToken]:
    """The tokens whose key starts with `prefix` (the 8 characters shown in lists), live first."""
    return ApiToken.objects.select_related("user").filter(prefix=prefix).order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at"
    )
