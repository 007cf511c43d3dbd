"""A database made before the models left `core` migrates forward with every row intact: the moved
models keep their tables, and the permissions granted on them stay granted."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The migration graph's leaves on the day before the move.
BEFORE_THE_MOVE = [
    ("core", "0008_subject_relationship_end_and_adult_check"),
    ("consents", "0002_notice_announcement"),
    ("dsr", "0005_open_by_statutory_due"),
    ("regulator", "0002_deadline_policies"),
    ("audit", "0002_append_only"),
]
MOVED = {
    "subjects": ["datasubject", "customeraccount"],
    "accounts": ["staffprofile"],
    "integrations": ["apitoken", "idempotencyrecord", "webhookendpoint", "outboxmessage"],
    "deadlines": ["deadlinepolicy", "calendarday", "reminderthreshold", "deadlinereminder", "deadlinebreach"],
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _before_the_move():
    """Every other app where it is now; the moved-to apps not migrated at all."""
    pinned = dict(BEFORE_THE_MOVE)
    others = [(app, name) for app, name in _latest() if app not in pinned and app not in MOVED]
    return BEFORE_THE_MOVE + others + [(app, None) for app in MOVED]


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_every_row_and_permission():
    old = _migrate(_before_the_move())
    user = old.get_model("auth", "User").objects.create(username="moved-user")
    subject = old.get_model("core", "DataSubject").objects.create(
        external_ref="CIF-MOVE-1", full_name="Nguyễn Văn Chuyển", national_id="001203004005",
        relationship_ended_on=dt.date(2026, 5, 31),
    )
    old.get_model("core", "CustomerAccount").objects.create(user=user, subject=subject)
    old.get_model("core", "StaffProfile").objects.create(user=user, preferred_language="en")
    old.get_model("core", "ApiToken").objects.create(user=user, key_hash="h" * 64, prefix="abcdefgh",
                                                     scopes=["*"])
    endpoint = old.get_model("core", "WebhookEndpoint").objects.create(
        client=user, name="card processor", url="https://cards.example/hook", secret="s3cret"
    )
    old.get_model("core", "OutboxMessage").objects.create(
        kind="webhook", topic="consent.withdrawn", endpoint=endpoint, payload="{}",
        next_attempt_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
    )
    old.get_model("core", "CalendarDay").objects.update_or_create(
        date=dt.date(2026, 9, 2), defaults={"name": "Quốc khánh"})
    policies = old.get_model("core", "DeadlinePolicy").objects.count()
    subject_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="core", model="datasubject")[0]
    view_subject = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=subject_type, codename="view_datasubject", defaults={"name": "Can view data subject"})[0]
    group = old.get_model("auth", "Group").objects.create(name="moved-officers")
    group.permissions.add(view_subject)

    new = _migrate(_latest())

    moved_subject = new.get_model("subjects", "DataSubject").objects.get(external_ref="CIF-MOVE-1")
    assert (moved_subject.full_name, moved_subject.national_id) == ("Nguyễn Văn Chuyển", "001203004005")
    assert moved_subject.relationship_ended_on == dt.date(2026, 5, 31)
    assert new.get_model("subjects", "CustomerAccount").objects.get(user__username="moved-user").subject_id \
        == moved_subject.pk
    assert new.get_model("accounts", "StaffProfile").objects.get().preferred_language == "en"
    assert new.get_model("integrations", "ApiToken").objects.get().prefix == "abcdefgh"
    assert new.get_model("integrations", "WebhookEndpoint").objects.get().secret == "s3cret"
    assert new.get_model("integrations", "OutboxMessage").objects.get().endpoint.name == "card processor"
    holiday = new.get_model("deadlines", "CalendarDay").objects.get(date=dt.date(2026, 9, 2))
    assert holiday.name == "Quốc khánh"
    assert new.get_model("deadlines", "DeadlinePolicy").objects.count() == policies > 0
    content_types = new.get_model("contenttypes", "ContentType").objects
    assert not content_types.filter(app_label="core").exists()
    tables = connection.introspection.table_names()
    for app_label, models in MOVED.items():
        assert all(f"core_{model}" in tables for model in models)
        moved = content_types.filter(app_label=app_label, model__in=models).values_list("model", flat=True)
        assert sorted(moved) == sorted(models)
    granted = new.get_model("auth", "Group").objects.get(name="moved-officers").permissions.get()
    assert (granted.content_type.app_label, granted.codename) == ("subjects", "view_datasubject")
