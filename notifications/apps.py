from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """One notifier for every customer message: e-mail, SMS or the in-app inbox, by preference."""

    name = "notifications"
    verbose_name = _("Customer notifications")

    def ready(self) -> None:
        from audit.actions import register_actions
        from core.navigation import MenuItem, register_menu
        from integrations.signals import outbox_attempt_finished
        from notifications import selectors, services

        outbox_attempt_finished.connect(services.notification_follow_outbox,
                                        dispatch_uid="notifications.follow_outbox")
        register_actions({
            "notifications.preference.changed": _("Notification channels changed"),
        })
        register_menu(
            MenuItem("me", "notifications:me_inbox", _("Notifications"), icon="inbox", order=80,
                     count=selectors.unread_count_for_user),
        )
