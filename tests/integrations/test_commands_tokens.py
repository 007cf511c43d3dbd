"""`list_tokens` and `revoke_token`: what an operator sees and how a revocation reaches the API."""
from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEntry
from core.actors import Actor
from integrations.models import ApiToken
from integrations.services import token_issue, token_revoke

pytestmark = pytest.mark.django_db


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _issue(user, **kwargs) -> tuple[ApiToken, str]:
    return token_issue(actor=Actor.system("tests"), user=user, **kwargs)


def _set_prefix(token: ApiToken, prefix: str) -> None:
    # Two keys sharing 8 characters is a 1-in-2^48 chance; forced here to test the refusal.
    ApiToken.objects.filter(pk=token.pk).update(prefix=prefix)


def test_list_tokens_shows_each_token_but_never_its_key_or_hash(officer, client_user):
    mine, key = _issue(client_user, name="core banking prod", scopes=["consents:read", "requests:tasks"])
    old, old_key = _issue(officer)
    token_revoke(actor=Actor.system("tests"), token=old)

    out, _err = _run("list_tokens")
    lines = out.splitlines()
    assert lines[0].split() == ["PREFIX", "USER", "NAME", "SCOPES", "CREATED", "LAST-DAY", "REVOKED"]
    row = next(line for line in lines if line.startswith(mine.prefix))
    assert "corebank_t" in row and "core banking prod" in row and "consents:read,requests:tasks" in row
    assert row.rstrip().endswith("-")  # live
    revoked_row = next(line for line in lines if line.startswith(old.prefix))
    assert "officer_t" in revoked_row and not revoked_row.rstrip().endswith("-")
    for secret in (key, old_key, mine.key_hash, old.key_hash):
        assert secret not in out


def test_list_tokens_shows_each_tokens_last_day(officer):
    last_day = timezone.localdate() + timedelta(days=20)
    ending, _key = _issue(officer, last_day=last_day)
    forever, _key = _issue(officer)
    out, _err = _run("list_tokens")
    header, *rows = out.splitlines()
    column = header.index("LAST-DAY")
    by_prefix = {row.split()[0]: row for row in rows}
    assert by_prefix[ending.prefix][column:].startswith(last_day.isoformat())
    assert by_prefix[forever.prefix][column:].startswith("-")


def test_list_tokens_live_leaves_out_revoked_and_expired_tokens(officer):
    live, _key = _issue(officer)
    revoked, _key = _issue(officer)
    token_revoke(actor=Actor.system("tests"), token=revoked)
    expired, _key = _issue(officer, last_day=timezone.localdate())
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    out, _err = _run("list_tokens", "--live")
    assert live.prefix in out and revoked.prefix not in out and expired.prefix not in out


def test_list_tokens_for_one_user(officer, client_user):
    mine, _key = _issue(client_user)
    theirs, _key = _issue(officer)
    out, _err = _run("list_tokens", "corebank_t")
    assert mine.prefix in out and theirs.prefix not in out


def test_list_tokens_for_an_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        _run("list_tokens", "nobody")


def test_revoke_token_by_prefix_is_audited_and_the_api_then_refuses_it(
    officer, django_capture_on_commit_callbacks
):
    token, key = _issue(officer, name="script")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/subjects/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        out, _err = _run("revoke_token", "--", token.prefix)  # `--`: a key may start with "-"

    assert f"Revoked token {token.prefix}… of officer_t (script)" in out
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AuditEntry.objects.get(action="core.token.revoked")
    assert entry.actor_kind == "system" and entry.actor_label == "revoke_token"
    assert api.get("/api/v1/subjects/").status_code == 401


def test_revoking_again_says_so_and_changes_nothing(officer):
    token, _key = _issue(officer)
    _run("revoke_token", "--", token.prefix)
    _out, err = _run("revoke_token", "--", token.prefix)
    assert "already revoked" in err
    assert AuditEntry.objects.filter(action="core.token.revoked").count() == 1


def test_an_unknown_prefix_is_an_error(officer):
    _issue(officer)
    with pytest.raises(CommandError, match="No API token starts with 'zzzzzzzz'") as caught:
        _run("revoke_token", "zzzzzzzz")
    assert caught.value.returncode == 1
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_a_prefix_of_the_wrong_length_is_an_error(officer):
    token, _key = _issue(officer)
    with pytest.raises(CommandError, match="first 8 characters"):
        _run("revoke_token", "--", token.prefix[:5])


def test_an_ambiguous_prefix_revokes_nothing_and_names_the_way_out(officer, client_user):
    first, _key = _issue(officer)
    second, _key = _issue(client_user)
    _set_prefix(first, "abcdefgh")
    _set_prefix(second, "abcdefgh")

    with pytest.raises(CommandError, match="2 live API tokens start with 'abcdefgh'") as caught:
        _run("revoke_token", "abcdefgh")
    assert "corebank_t, officer_t" in str(caught.value) and "--user" in str(caught.value)
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()

    _run("revoke_token", "abcdefgh", "--user", "corebank_t")
    assert ApiToken.objects.get(pk=second.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=first.pk).revoked_at is None


def test_a_revoked_token_sharing_the_prefix_does_not_make_it_ambiguous(officer):
    old, _key = _issue(officer)
    new, _key = _issue(officer)
    token_revoke(actor=Actor.system("tests"), token=old)
    _set_prefix(old, "samepref")
    _set_prefix(new, "samepref")
    _run("revoke_token", "samepref")
    assert ApiToken.objects.get(pk=new.pk).revoked_at is not None



def test_a_prefix_starting_with_a_dash_is_revoked_after_a_double_dash(officer):
    token, _key = _issue(officer)
    _set_prefix(token, "-AbC1234")
    _run("revoke_token", "--", "-AbC1234")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
