"""The regulator app: breach register and notifications to A05, impact-assessment dossiers, the
record of processing activities."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegulatorConfig(AppConfig):
    name = "regulator"
    verbose_name = _("Regulator filings")

    def ready(self) -> None:
        from django.core.checks import register as register_check

        from audit.actions import CONFIGURATION, register_actions
        from core.roles import Role, grant_permissions
        from dsr.export_breaches import register_breaches_told
        from integrations.jobs import job_kind_scope_register
        from regulator.api.access import WRITE_SCOPE
        from regulator.breach_notices import breaches_told_to
        from regulator.checks import check_regulator_organisation_set
        from regulator.services.breach_mailing import CUSTOMERS_TASK

        # What an auditor testing change management reads as configuration changes (the trail's kind).
        register_actions({
            "regulator.activity.saved": _("Processing activity (systems, categories, safeguards) saved"),
        }, category=CONFIGURATION)
        register_actions(
            {
                "regulator.breach.recorded": _("Personal-data breach recorded"),
                "regulator.breach.updated": _("Breach facts updated"),
                "regulator.breach.notified": _("Breach notification phase submitted to the authority"),
                "regulator.breach.reference_recorded": _(
                    "Authority's reference of a breach notification phase recorded"
                ),
                "regulator.breach.deadline_breached": _("Breach notification deadline passed"),
                "regulator.breach.customers_notified": _("Affected customers told about a breach"),
                "regulator.breach.customers_not_notified": _(
                    "Decided not to tell the customers affected by a breach"
                ),
                "regulator.breach.closed": _("Breach closed"),
                "regulator.breach.exported": _("Breach notification document downloaded"),
                "regulator.breach.register_exported": _("Breach register exported"),
                "regulator.breach.customers_told_exported": _(
                    "List of the customers told of a breach downloaded"
                ),
                "regulator.dossier.created": _("Impact-assessment dossier created"),
                "regulator.dossier.versioned": _("Impact-assessment dossier has a new version"),
                "regulator.dossier.rescheduled": _(
                    "Impact-assessment dossier's deadline moved to the corrected start of the processing"
                ),
                "regulator.dossier.filed": _("Impact-assessment dossier filed with the authority"),
                "regulator.dossier.deadline_breached": _("Impact-assessment dossier overdue"),
                "regulator.dossier.exported": _("Impact-assessment dossier downloaded"),
                "regulator.record.exported": _("Record of processing activities exported"),
                "regulator.record.reviewed": _("Record of processing activities reviewed"),
                "regulator.proof_bundle.exported": _("Customer's proof bundle taken for an inspection"),
            }
        )
        register_check(check_regulator_organisation_set)
        # Whoever may start a breach mailing may follow and cancel it.
        job_kind_scope_register(kind=CUSTOMERS_TASK, scope=WRITE_SCOPE)
        # A customer's export lists the breaches they were told of; the register is this app's.
        register_breaches_told(breaches_told_to)
        read = ("regulator.view_regulator", "regulator.view_breach", "regulator.view_dossier")
        grant_permissions(Role.AUDITOR, *read)
        grant_permissions(
            Role.DPO,
            *read,
            "regulator.manage_breach",
            "regulator.manage_dossier",
            "regulator.manage_announcement",
        )

        from regulator import clock_sources, navigation

        navigation.register()
        clock_sources.register()
        post_migrate.connect(_seed_policies_after_migrate, sender=self)


def _seed_policies_after_migrate(using="default", **kwargs) -> None:
    # A flush empties the policy table and core writes back only its own defaults.
    from django.db import connections

    from deadlines.models import DeadlinePolicy
    from regulator.policy import seed_regulator_policies

    if DeadlinePolicy._meta.db_table in connections[using].introspection.table_names():
        seed_regulator_policies(DeadlinePolicy)
