from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from core.log_context import install_request_reference


class CoreConfig(AppConfig):
    """The kernel: actors, request context, errors, roles, the menu registry. It has no models of its
    own; its one (empty, squashed) migration keeps the names of the old ones taken."""

    name = "core"
    verbose_name = _("Platform kernel")

    def ready(self) -> None:
        from core import checks  # noqa: F401 (registers the migration-history checks that migrate runs)

        post_migrate.connect(_sync_roles_after_migrate, sender=self)
        install_request_reference()


def _sync_roles_after_migrate(**kwargs) -> None:
    # Every app declares its roles' permissions in its ready(); after a migrate the groups match them.
    from core.roles import roles_sync

    roles_sync()
