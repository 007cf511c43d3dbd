"""Registration of the scheduled-jobs area of core: audit actions and who may see and steer the jobs.

Called once from `CoreConfig.ready()`; the pages (parked messages, schedules) live in `core.views_jobs`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from audit.actions import register_actions
    from core.navigation import MenuItem, register_menu
    from core.roles import Role, grant_permissions

    register_actions(
        {
            "core.deadline.breached": _("Deadline breached"),
            "core.outbox.retried": _("Parked message sent again"),
            "core.schedule.changed": _("Reminder thresholds or report schedule changed"),
        }
    )
    grant_permissions(Role.DPO, "core.view_deadline_report", "core.manage_schedules", "core.manage_outbox")
    grant_permissions(Role.AUDITOR, "core.view_deadline_report")
    grant_permissions(Role.PRIVACY, "core.view_deadline_report")
    register_menu(
        MenuItem("portal", "core:outbox_parked", _("Undelivered messages"), icon="alert", order=96,
                 permission="core.manage_outbox"),
        MenuItem("portal", "core:schedules", _("Reminders and schedules"), icon="clock", order=97,
                 permission="core.manage_schedules"),
    )
