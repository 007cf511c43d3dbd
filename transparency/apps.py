"""The transparency app: what the bank tells every customer (the privacy notice and its versions, the
DPO's contact, how to exercise a right and to complain, safe online banking), edited by the DPO.

A layer of its own between `regulator` and `portal`: it reads the purpose notices (`consents`) and the
request types (`deadlines`) and links to the self-service request pages (`dsr`), and nothing below
needs it."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "transparency"
    verbose_name = _("Customer transparency")

    def ready(self) -> None:
        from django.core.checks import register as register_check

        from audit.actions import CONFIGURATION, register_actions
        from core.roles import Role, grant_permissions
        from transparency import checks, navigation

        register_actions({"transparency.text.published": _("Customer transparency text published")},
                         category=CONFIGURATION)
        # Only the DPO answers for what the bank tells customers about their data.
        grant_permissions(Role.DPO, "transparency.publish_text", "transparency.view_transparencytext")
        navigation.register()
        register_check(checks.placeholder_texts_check)
        post_migrate.connect(_seed_after_migrate, sender=self)


def _seed_after_migrate(using="default", **kwargs) -> None:
    # A flush (transactional tests, `manage.py flush`) empties the table the data migration filled.
    from django.db import connections

    from transparency.defaults import defaults_seed
    from transparency.models import TransparencyText

    if TransparencyText._meta.db_table in connections[using].introspection.table_names():
        defaults_seed(TransparencyText)
