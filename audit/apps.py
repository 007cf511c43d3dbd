from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from audit import actions, checks  # noqa: F401 (registers the audit key's start-up check)
        from core.roles import Role, grant_permissions

        actions.register_actions({
            "audit.chain.verified": _("Audit chain verified"),
            "audit.chain.broken": _("Audit chain found broken"),
            "audit.chain.unfinished": _("Audit chain verification stopped unfinished"),
            "audit.chain.full_check_asked": _("Verification of the whole audit chain asked for"),
            "audit.archive.recorded": _("Archive of the audit trail recorded"),
            "audit.restore.recorded": _("Restore of the audit trail from a backup recorded"),
            "audit.restore.since_checkpoint": _("Restore from a backup newer than the last checkpoint "
                                                "recorded"),
            "audit.checkpoints.restarted": _("Lost checkpoints of the audit trail given up"),
            "audit.access.unusual": _("Staff member who looked at unusually many customers noticed"),
        })
        from core.navigation import MenuItem, register_menu

        for role in (Role.AUDITOR, Role.DPO):
            grant_permissions(role, "audit.view_auditentry")
        register_menu(MenuItem("portal", "audit:trail", _("Audit trail"), icon="shield", order=90,
                               permission="audit.view_auditentry", group="oversight"))
