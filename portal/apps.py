from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The shell on top of every area: home, the staff dashboard, the customer's overview page."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from core.navigation import MenuItem, register_menu

        register_menu(
            MenuItem("portal", "portal:dashboard", _("Dashboard"), icon="dashboard", order=10),
            MenuItem("me", "portal:me_home", _("Overview"), icon="dashboard", order=10),
        )
