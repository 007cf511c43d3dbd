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


def test_an_import_of_only_refused_rows_exits_non_zero(catalogue, tmp_path):
    path = tmp_path / "consents.csv"
    path.write_text(
        HEADER + f"NO-SUCH-CIF,marketing,v1,branch,paper,{IMPORTED_ON}\n"
        f"NO-SUCH-CIF2,no-such-purpose,v1,branch,paper,{IMPORTED_ON}\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="All 2 rows were refused"):
        call_command("import_consents", str(path), stdout=out)
    assert "line 2:" in out.getvalue() and "line 3:" in out.getvalue()


def test_an_import_with_one_good_row_and_its_rerun_exit_zero(catalogue, tmp_path):
    path = tmp_path / "consents.csv"
    path.write_text(
        HEADER + f"{make_subject().external_ref},marketing,v1,branch,paper,{IMPORTED_ON}\n"
        f"NO-SUCH-CIF,marketing,v1,branch,paper,{IMPORTED_ON}\n",
        encoding="utf-8",
    )
    call_command("import_consents", str(path), stdout=io.StringIO())
    call_command("import_consents", str(path), stdout=io.StringIO())  # already imported: not a failure


def test_a_scope_refresh_where_every_purpose_is_refused_exits_non_zero(monkeypatch):
    monkeypatch.setattr(refresh_purpose_scopes, "purpose_scopes_refresh", lambda actor: {"a": None, "b": None})
    out = io.StringIO()
    with pytest.raises(CommandError, match="All 2 purposes were refused"):
        call_command("refresh_purpose_scopes", stdout=out)
    assert "a: refused by today's rules" in out.getvalue()


@pytest.mark.parametrize("refreshed", [{}, {"a": "v2", "b": None}])
def test_a_scope_refresh_with_nothing_to_do_or_something_done_exits_zero(monkeypatch, refreshed):
    monkeypatch.setattr(refresh_purpose_scopes, "purpose_scopes_refresh", lambda actor: refreshed)
    call_command("refresh_purpose_scopes", stdout=io.StringIO())
