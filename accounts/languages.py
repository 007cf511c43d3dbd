"""Which language to write to someone in: the one place that answers it for e-mails.

Customers (data subjects) keep their preference on `DataSubject.preferred_language`; staff on their
`StaffProfile`. Anyone without a stored preference is written to in the site default
(`settings.LANGUAGE_CODE`, Vietnamese). Producers of e-mails pass the answer to the outbox, which
renders each message under it; text a producer words itself (labels, CSV headers) is built with
`per_language`, once per language actually needed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Language, StaffProfile
from core.errors import InvalidInput

T = TypeVar("T")
LANGUAGE_CHOICE_MESSAGE = _("Choose “vi” (Vietnamese) or “en” (English).")
# `Language.values` rebuilds its list (and translates every label) on each read: a sweep writing to
# 10,000 customers asks once per message.
LANGUAGE_CODES = frozenset(Language.values)


def language_clean(value: Any, *, field: str = "preferred_language") -> str:
    """The language code given, or a clear InvalidInput naming the choices."""
    if value not in LANGUAGE_CODES:
        raise InvalidInput(LANGUAGE_CHOICE_MESSAGE, field=field)
    return value


def _known(code: str | None) -> str:
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


def language_for_subject(subject: Any) -> str:
    """The language to write to this customer in (the site default when unknown)."""
    return _known(getattr(subject, "preferred_language", None))


def languages_for_users(user_ids: Iterable[int]) -> dict[int, str]:
    """Staff users' languages by user id, in one query; users without a profile get the site default.

    A customer login's language is its data subject's: customers are written to through
    `language_for_subject`, since many customers have no login at all."""
    ids = list(user_ids)
    stored = dict(StaffProfile.objects.filter(user_id__in=ids).values_list("user_id", "preferred_language"))
    return {user_id: _known(stored.get(user_id)) for user_id in ids}


def language_for_user(user) -> str:
    """The language to write to a signed-in person in: a customer's subject's, a staff member's own."""
    if user is None or not getattr(user, "pk", None):
        return settings.LANGUAGE_CODE
    account = getattr(user, "customer_account", None)
    if account is not None:
        return language_for_subject(account.subject)
    return languages_for_users([user.pk])[user.pk]


def language_after_sign_in(user, *, page_language: str, chosen: str | None) -> str:
    """The language a person reads the site in once signed in: the one they chose before signing in
    (a sign-in page in another language than the default, else the language switch's cookie), else
    their stored one, which is also the language the bank writes to them in."""
    if page_language != settings.LANGUAGE_CODE:
        return page_language
    if chosen in LANGUAGE_CODES:
        return chosen
    return language_for_user(user)


def per_language(build: Callable[[], T]) -> Callable[[str], T]:
    """`build` made language-aware: `get(language)` runs `build()` with that language active, at most
    once per language. For what a producer words itself into an e-mail's context; `build` must return
    plain strings (`str(label)`), since lazy ones would be worded when the JSON is written."""
    cache: dict[str, T] = {}

    def get(language: str) -> T:
        if language not in cache:
            with translation.override(language):
                cache[language] = build()
        return cache[language]

    return get
