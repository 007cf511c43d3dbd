from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Data subjects and access")

    def ready(self) -> None:
        from audit.actions import register_actions
        from core.navigation import MenuItem, register_menu
        from core.roles import Role, grant_permissions

        register_actions({
            "core.subject.created": _("Data subject created"),
            "core.subject.rectified": _("Data subject's personal data rectified"),
            "core.subject.guardian_verified": _("Guardian's authority verified"),
            "core.subject.viewed": _("Personal data viewed by staff"),
            "core.subject.language_changed": _("Customer's preferred language changed"),
            "core.account.linked": _("Customer login linked to a data subject"),
            "core.profile.language_changed": _("Staff member's preferred language changed"),
            "core.token.issued": _("API token issued"),
            "core.token.revoked": _("API token revoked"),
            "core.keys.rotation_started": _("Encryption and blind-index key rotation started"),
            "core.keys.rotation_finished": _("Encryption and blind-index key rotation finished"),
            "core.otp.enrolled": _("Staff member set up two-factor sign-in"),
            "core.otp.reset": _("Staff member's two-factor sign-in reset by the DPO"),
            "core.account.unlocked": _("Locked sign-in unlocked by the DPO"),
        })
        _connect_security()
        from core import jobs

        jobs.register()
        for role in (Role.OFFICER, Role.PRIVACY, Role.DPO):
            grant_permissions(role, "core.view_datasubject", "core.add_datasubject",
                              "core.change_datasubject")
        grant_permissions(Role.CLIENT, "core.view_datasubject", "core.add_datasubject")
        # The DPO looks after staff sign-in: unlocks lock-outs, resets a lost authenticator.
        grant_permissions(Role.DPO, "axes.view_accessattempt", "axes.delete_accessattempt",
                          "otp_totp.delete_totpdevice")
        # The DPO sees every API token and revokes lost or leaked ones (issuing stays a terminal task).
        grant_permissions(Role.DPO, "core.view_apitoken", "core.change_apitoken")
        register_menu(
            MenuItem("portal", "core:dashboard", _("Dashboard"), icon="dashboard", order=10),
            MenuItem("portal", "core:customer_lookup", _("Customers"), icon="users", order=20,
                     permission="core.view_datasubject"),
            MenuItem("me", "core:me_home", _("Overview"), icon="dashboard", order=10),
            MenuItem("portal", "core:sign_in_security", _("Sign-in security"), icon="lock", order=95,
                     permission="axes.view_accessattempt"),
            MenuItem("portal", "core:tokens", _("API tokens"), icon="settings", order=98,
                     permission="core.view_apitoken"),
        )
        post_migrate.connect(_sync_roles_after_migrate, sender=self)
        post_migrate.connect(_seed_deadline_defaults_after_migrate, sender=self)


def _connect_security() -> None:
    # Importing registers the key canary system check; Celery must refuse to start when it fails.
    from celery.signals import beat_init, worker_init

    from core.security import checks, schema  # noqa: F401 (schema registers the OpenAPI auth extensions)

    worker_init.connect(checks.refuse_to_start_on_errors, weak=False, dispatch_uid="core.keys.worker")
    beat_init.connect(checks.refuse_to_start_on_errors, weak=False, dispatch_uid="core.keys.beat")


def _sync_roles_after_migrate(**kwargs) -> None:
    from core.roles import roles_sync

    roles_sync()


def _seed_deadline_defaults_after_migrate(using="default", **kwargs) -> None:
    # A flush (e.g. between transactional tests) empties the policy table; deadlines need it back.
    from django.db import connections

    from core.deadline_defaults import seed_deadline_defaults
    from core.models import CalendarDay, DeadlinePolicy

    if DeadlinePolicy._meta.db_table in connections[using].introspection.table_names():
        seed_deadline_defaults(DeadlinePolicy, CalendarDay)
