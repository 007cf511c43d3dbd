"""An operator's cron job or pipeline runs the consent commands and alerts on their exit status: a run
where everything was refused and nothing done exits non-zero; a partly refused run lists and exits 0."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from consents.management.commands import refresh_purpose_scopes
from tests.consents.factories import IMPORTED_ON
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
HEADER = "subject,purpose,notice_version,channel,evidence,granted_at\n"


def _import_file(tmp_path, *customers: str) -> str:
    """A file of one marketing consent per customer number given."""
    path = tmp_path / "consents.csv"
    rows = [f"{customer},marketing,v1,branch,paper,{IMPORTED_ON}\n" for customer in customers]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return str(path)


def test_an_import_of_only_refused_rows_exits_non_zero(catalogue, dpo, tmp_path):
    path = _import_file(tmp_path, "NO-SUCH-CIF", "NO-SUCH-CIF2")
    out = io.StringIO()
    with pytest.raises(CommandError, match="All 2 rows were refused"):
        call_command("import_consents", path, "--operator", dpo.username, stdout=out)
    assert "line 2:" in out.getvalue() and "line 3:" in out.getvalue()


def test_an_import_with_one_good_row_and_its_rerun_exit_zero(catalogue, dpo, tmp_path):
    path = _import_file(tmp_path, make_subject().external_ref, "NO-SUCH-CIF")
    call_command("import_consents", path, "--operator", dpo.username, stdout=io.StringIO())
    # Already imported: not a failure.
    call_command("import_consents", path, "--operator", dpo.username, stdout=io.StringIO())


def test_a_scope_refresh_where_every_purpose_is_refused_exits_non_zero(monkeypatch):
    refused = {"a": None, "b": None}
    monkeypatch.setattr(refresh_purpose_scopes, "purpose_scopes_refresh", lambda actor: refused)
    out = io.StringIO()
    with pytest.raises(CommandError, match="All 2 purposes were refused"):
        call_command("refresh_purpose_scopes", stdout=out)
    assert "a: refused by today's rules" in out.getvalue()


@pytest.mark.parametrize("refreshed", [{}, {"a": "v2", "b": None}])
def test_a_scope_refresh_with_nothing_to_do_or_something_done_exits_zero(monkeypatch, refreshed):
    monkeypatch.setattr(refresh_purpose_scopes, "purpose_scopes_refresh", lambda actor: refreshed)
    call_command("refresh_purpose_scopes", stdout=io.StringIO())
