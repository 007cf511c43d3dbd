from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """The deadline policy, the working-day calendar and the clocks that remind and record breaches."""

    name = "deadlines"
    verbose_name = _("Deadlines")

    def ready(self) -> None:
        from audit.actions import CONFIGURATION, register_actions
        from core.navigation import MenuItem, register_menu
        from core.roles import Role, grant_permissions

        # What an auditor testing change management reads as configuration changes (the trail's kind).
        register_actions({
            "core.schedule.changed": _("Reminder thresholds or report schedule changed"),
        }, category=CONFIGURATION)
        register_actions({
            "core.deadline.breached": _("Deadline breached"),
        })
        grant_permissions(Role.DPO, "deadlines.view_deadline_report", "deadlines.manage_schedules")
        grant_permissions(Role.AUDITOR, "deadlines.view_deadline_report")
        grant_permissions(Role.PRIVACY, "deadlines.view_deadline_report")
        register_menu(
            MenuItem("portal", "deadlines:schedules", _("Reminders and schedules"), icon="clock", order=97,
                     permission="deadlines.manage_schedules", group="admin"),
        )
        post_migrate.connect(_seed_deadline_defaults_after_migrate, sender=self)


def _seed_deadline_defaults_after_migrate(using="default", **kwargs) -> None:
    # A flush (e.g. between transactional tests) empties the policy table; deadlines need it back.
    from django.db import connections

    from deadlines.defaults import seed_deadline_defaults
    from deadlines.models import CalendarDay, DeadlinePolicy

    if DeadlinePolicy._meta.db_table in connections[using].introspection.table_names():
        seed_deadline_defaults(DeadlinePolicy, CalendarDay)
