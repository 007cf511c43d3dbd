"""The DPO imports a 20,000-row CSV and watches the job's progress bar reach 100% in the browser.

The import runs on a worker thread of this process (standing in for the Celery worker: the task's
dispatch is pointed at it), against the same test database the live server reads, so the page
sees every committed batch through its polled JSON endpoint.
"""

from __future__ import annotations

import threading
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from django.db import connection

from consents import services, tasks
from consents.models import Consent, ConsentImport
from consents.services import consent_import_run
from core.roles import Role
from subjects.models import DataSubject
from tests.browser.conftest import screenshot
from tests.consents.factories import IMPORTED_ON, make_purpose
from tests.factories import UserFactory
from tests.runs import BROWSER_FLOWS_ON_SQLITE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # On SQLite, like the demo: one writer (the import) while the page polls.
    BROWSER_FLOWS_ON_SQLITE,
]
ROWS = 20_000
# A worker's slice, short enough that the import always takes several (a loaded machine takes several
# of the real 120 s ones).
SLICE_SECONDS = 2


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "legacy-20000.csv"
    lines = ["subject,purpose,notice_version,channel,evidence,granted_at"]
    lines += [f"B{i:08d},marketing,v1,paper_form,scan-{i},{IMPORTED_ON}" for i in range(ROWS - 10)]
    lines += [f"NOBODY{i},marketing,v1,paper_form,scan-x{i},{IMPORTED_ON}" for i in range(10)]  # refused
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_dpo_watches_a_20000_row_import_reach_100_percent(
    page, login, live_url, tmp_path, monkeypatch
):
    make_purpose("marketing", category="marketing")
    DataSubject.objects.bulk_create(
        [DataSubject(external_ref=f"B{i:08d}", full_name="Khách thử", date_of_birth=date(1980, 1, 1))
         for i in range(ROWS - 10)],
        batch_size=2000,
    )
    UserFactory(username="dpo_b", role=Role.DPO)
    threads: list[threading.Thread] = []

    def worker(job_id):
        try:
            # The task itself, so a slice that used its time hands over as in production (to `delay`).
            tasks.run_import(job_id)
        finally:
            connection.close()

    def delay(job_id):
        thread = threading.Thread(target=worker, args=(job_id,), daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(tasks.run_import, "delay", delay)
    sliced = partial(consent_import_run, batch_size=1000, budget_seconds=SLICE_SECONDS)
    monkeypatch.setattr(services, "consent_import_run", sliced)
    login(page, "dpo_b")
    page.goto(live_url("/portal/consents/import/"))
    page.set_input_files("input[type=file]", str(_csv(tmp_path)))
    page.get_by_test_id("import-submit").click()
    page.wait_for_url("**/portal/consents/import/*/")
    job_url = page.url

    bar = page.get_by_role("progressbar")
    seen: list[int] = []
    shot = False
    for _ in range(600):
        if page.get_by_test_id("import-result").count():
            break
        try:
            value = int(bar.get_attribute("aria-valuenow", timeout=2000) or 0)
        except Exception:  # noqa: BLE001 - the page is reloading at the end
            value = None
        if value is not None:
            seen.append(value)
            if 0 < value < 100 and not shot:
                assert "bị loại" in page.get_by_test_id("import-summary").inner_text()  # rejected so far, vi
                screenshot(page, "import-progress.png", full_page=True)
                shot = True
        page.wait_for_timeout(200)
    page.get_by_test_id("import-result").wait_for(timeout=60_000)
    assert bar.get_attribute("aria-valuenow") == "100"
    assert any(0 < v < 100 for v in seen), f"no progress seen between 0 and 100: {sorted(set(seen))}"
    assert seen == sorted(seen)  # the bar only moves forward
    for thread in threads:
        thread.join(timeout=60)
    run = ConsentImport.objects.get()
    assert (run.rows, run.imported, run.refused) == (ROWS, ROWS - 10, 10)
    assert Consent.objects.count() == ROWS - 10
    # The job page survives a reload and still tells the result; there is nothing left to cancel.
    page.goto(job_url)
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    assert page.get_by_test_id("import-cancel").count() == 0
