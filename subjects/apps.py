from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubjectsConfig(AppConfig):
    name = "subjects"
    verbose_name = _("Data subjects")

    def ready(self) -> None:
        from celery.signals import beat_init, worker_init

        from audit.actions import register_actions
        from core.navigation import MenuItem, register_menu
        from core.references import register_cif_lookup
        from core.roles import Role, grant_permissions
        from subjects import checks  # registers the key canary system check
        from subjects.follow_ups import register_after_rectification
        from subjects.logins import customer_login_close_on_death
        from subjects.selectors import cifs_of, subject_id_for_cif

        register_actions({
            "core.subject.created": _("Data subject created"),
            "core.subject.rectified": _("Data subject's personal data rectified"),
            "core.subject.guardian_verified": _("Guardian's authority verified"),
            "core.subject.guardian_unverified": _(
                "Guardian's authority withdrawn: the guardian cannot act (not an adult, or deceased)"
            ),
            "core.subject.national_id_shared": _("A second customer number allowed to share a citizen ID"),
            "core.subject.customer_number_changed": _(
                "Customer moved to another customer number (CIF): renumbered or mistyped"
            ),
            "core.subject.representative_recorded": _(
                "Customer's representative recorded (power of attorney or court-appointed guardian)"
            ),
            "core.subject.representative_revoked": _("Customer's representative's authority revoked"),
            "core.staff.own_record_linked": _("Staff member linked to their own customer record"),
            "core.subject.viewed": _("Personal data viewed by staff"),
            "core.subject.language_changed": _("Customer's preferred language changed"),
            "core.account.linked": _("Customer login linked to a data subject"),
            "core.account.closed_on_death": _("Customer login closed: the customer died"),
            "core.profile.language_changed": _("Staff member's preferred language changed"),
            "core.keys.rotation_started": _("Encryption and blind-index key rotation started"),
            "core.keys.rotation_finished": _("Encryption and blind-index key rotation finished"),
        })
        register_cif_lookup(subject_id_for_cif, cifs_of)
        register_after_rectification(customer_login_close_on_death)
        # Celery must refuse to start with keys that cannot read the stored data, like manage.py does.
        worker_init.connect(checks.refuse_to_start_on_errors, weak=False, dispatch_uid="core.keys.worker")
        beat_init.connect(checks.refuse_to_start_on_errors, weak=False, dispatch_uid="core.keys.beat")
        for role in (Role.OFFICER, Role.PRIVACY, Role.DPO):
            grant_permissions(role, "subjects.view_datasubject", "subjects.add_datasubject",
                              "subjects.change_datasubject")
        grant_permissions(Role.CLIENT, "subjects.view_datasubject", "subjects.add_datasubject")
        # Two customer numbers for one citizen ID is a DPO's decision (docs/security.md).
        grant_permissions(Role.DPO, "subjects.share_national_id", "subjects.change_customer_number")
        register_menu(
            MenuItem("portal", "subjects:customer_lookup", _("Customers"), icon="users", order=20,
                     permission="subjects.view_datasubject", group="customers"),
        )
