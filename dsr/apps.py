from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DsrConfig(AppConfig):
    name = "dsr"
    verbose_name = _("Data-subject requests")

    def ready(self) -> None:
        from django.core.checks import register as register_check

        from accounts.signals import role_changed, role_changing
        from audit.actions import CONFIGURATION, register_actions
        from authorisations.deletions import register_deletion_lookup
        from core.navigation import (
            DashboardPanel,
            MenuItem,
            SubjectPanel,
            register_dashboard_cards,
            register_dashboard_panel,
            register_menu,
            register_subject_panel,
        )
        from core.references import register_request_reference_check
        from core.roles import Role, grant_permissions
        from dsr import checks, clock_sources, navigation
        from dsr.selectors.deletions import deletion_verified_open
        from dsr.selectors.requests import request_names_subject
        from dsr.services.deletion import holds_redate_after_rectification
        from dsr.services.former_customers import retention_mark_follow_relationship
        from dsr.services.relationship_end_notice import relationship_end_notify
        from dsr.services.requests import requests_lock_on_role_change, requests_return_on_role_change
        from subjects.follow_ups import register_after_rectification

        # What an auditor testing change management reads as configuration changes (the trail's kind).
        register_actions({
            "dsr.policy.changed": _("Deadline policy changed"),
            "dsr.calendar.changed": _("Working-day calendar changed"),
            "dsr.system.saved": _("System in the inventory saved"),
            "dsr.category.created": _("Data category created"),
            "dsr.category.updated": _("Data category corrected"),
            "dsr.retention.created": _("Retention rule created"),
            "dsr.retention.updated": _("Retention rule corrected"),
        }, category=CONFIGURATION)
        register_actions(
            {
                "dsr.request.received": _("Data-subject request received"),
                "dsr.request.transitioned": _("Data-subject request changed status"),
                "dsr.request.answered_with_first": _("Repeated request answered together with the request "
                                                     "it repeats"),
                "dsr.request.assigned": _("Data-subject request assigned"),
                "dsr.request.identity_verified": _("Requester's identity verified"),
                "dsr.request.identity_code_sent": _("Verification code sent to the registered phone"),
                "dsr.request.identity_code_refused": _("Wrong verification code typed for a request"),
                "dsr.request.identity_code_capped": _("Verification code refused: the request's limit "
                                                      "on codes was reached"),
                "dsr.request.identity_codes_purged": _(
                    "Expired verification codes cleared from requests never verified"
                ),
                "dsr.request.identity_check_lapsed": _(
                    "Identity check left unfinished by the requester lapsed; the requester told what to do"
                ),
                "dsr.request.restriction_lifted": _("Restriction from a request lifted"),
                "dsr.request.corrections_left_out": _("Corrections that could not be applied left out of a "
                                                      "rectification answered in part"),
                "dsr.request.approved": _("Deletion approved by a second responsible person"),
                "dsr.request.overdue_reason_recorded": _("Reason for a late request recorded"),
                "dsr.request.customer_replied": _("Customer answered the bank's question on a request"),
                "dsr.clock.started": _("Request clock started"),
                "dsr.clock.acknowledged": _("Request acknowledged"),
                "dsr.clock.paused": _("Request clock paused"),
                "dsr.clock.resumed": _("Request clock resumed"),
                "dsr.clock.extended": _("Request deadline extended"),
                "dsr.clock.breached": _("Request deadline breached"),
                "dsr.clock.stopped": _("Request clock stopped"),
                "dsr.clock.processor": _("Request clock lengthened: a processor must act"),
                "dsr.clock.calendar": _("Request deadlines recomputed after a calendar change"),
                "dsr.task.created": _("System tasks created for a request"),
                "dsr.task.completed": _("System task completed"),
                "dsr.task.called_off": _("System task called off: its request ended unanswered, or the DPO "
                                         "keeps the data"),
                "dsr.export.built": _("Data export built"),
                "dsr.export.downloaded": _("Data export downloaded"),
                "dsr.queue.exported": _("Request queue downloaded as CSV"),
                "dsr.sample.drawn": _("Sample of records drawn for testing controls"),
                "dsr.export.purged": _("Data export emptied (expired, or erased with the customer's data)"),
                "dsr.request.results_purged": _("What the systems returned to a closed request emptied"),
                "dsr.hold.placed": _("Data placed under legal hold"),
                "dsr.hold.dated": _("Legal hold given its end date, the relationship having ended"),
                "dsr.hold.released": _("Legal hold ended"),
                "dsr.former_customer.erased": _("Former customer's data erased, the bank's retention having "
                                                "ended"),
                "dsr.relationship_end.told": _("Customer told which consents the end of the relationship "
                                               "stopped and what the bank keeps"),
                "dsr.hold.redated": _("Legal hold re-dated after a correction of the relationship's end"),
                "dsr.dispute_hold.recorded": _("Customer's held data kept for a dispute (court, inspection, "
                                               "police)"),
                "dsr.dispute_hold.lifted": _("Hold for a dispute lifted"),
                "dsr.authority_disclosure.recorded": _("Customer's data disclosed to a competent authority "
                                                       "on its written request"),
                "dsr.deletion.recorded": _("Personal data deleted"),
                "dsr.platform.erased": _("The platform erased its copies of a customer's personal data"),
                "dsr.contact.code_sent": _("Code sent to confirm a customer's new phone or e-mail"),
                "dsr.contact.code_refused": _("Wrong or expired code for a customer's new phone or e-mail"),
                "dsr.contact.code_capped": _("Code for a customer's new phone or e-mail refused: the "
                                             "limit on codes in an hour was reached"),
                "dsr.contact.confirmed": _("Customer confirmed their new phone or e-mail"),
                "dsr.contact.changes_purged": _(
                    "Settled new phones and e-mails typed for confirmation deleted"
                ),
            }
        )
        staff_view = ("dsr.view_datasubjectrequest", "dsr.view_fulfilmenttask", "dsr.view_system")
        # Front-line officers take requests in for a customer in front of them and verify identity.
        grant_permissions(Role.OFFICER, *staff_view, "dsr.add_datasubjectrequest", "dsr.work_request")
        grant_permissions(
            Role.PRIVACY,
            *staff_view,
            "dsr.add_datasubjectrequest",
            "dsr.work_request",
            "dsr.change_fulfilmenttask",
            "dsr.approve_deletion",
            "dsr.view_disputehold",
        )
        grant_permissions(
            Role.DPO,
            *staff_view,
            "dsr.add_datasubjectrequest",
            "dsr.work_request",
            "dsr.change_fulfilmenttask",
            "dsr.approve_deletion",
            "deadlines.change_deadlinepolicy",
            "deadlines.view_deadlinepolicy",
            "deadlines.change_calendarday",
            "deadlines.view_calendarday",
            "dsr.add_system",
            "dsr.change_system",
            "dsr.view_disputehold",
            "dsr.add_disputehold",
            "dsr.change_disputehold",
            # Disclosures to authorities: the DPO alone, not those who answer the customer (tipping off).
            "dsr.view_authoritydisclosure",
            "dsr.add_authoritydisclosure",
        )
        grant_permissions(Role.AUDITOR, *staff_view, "deadlines.view_deadlinepolicy",
                          "deadlines.view_calendarday", "dsr.view_disputehold",
                          "dsr.view_authoritydisclosure")
        grant_permissions(
            Role.CLIENT,
            "dsr.view_fulfilmenttask",
            "dsr.change_fulfilmenttask",
            "dsr.view_datasubjectrequest",
            "dsr.add_datasubjectrequest",
        )
        register_menu(
            MenuItem(
                "portal",
                "dsr:queue",
                _("Requests"),
                icon="inbox",
                order=30,
                permission="dsr.view_datasubjectrequest",
                group="requests",
            ),
            MenuItem(
                "portal",
                "dsr:policy",
                _("Deadline policy"),
                icon="settings",
                order=80,
                permission="deadlines.view_deadlinepolicy",
                group="requests",
            ),
            MenuItem(
                "portal",
                "dsr:systems",
                _("Systems inventory"),
                icon="file",
                order=85,
                permission="dsr.view_system",
                group="requests",
            ),
            MenuItem(
                "portal",
                "dsr:report_deadlines",
                _("Reports"),
                icon="chart",
                order=70,
                permission="deadlines.view_deadline_report",
                group="oversight",
            ),
            MenuItem(
                "portal",
                "dsr:audit_sample",
                _("Samples"),
                icon="file",
                order=92,
                permission="audit.view_auditentry",
                group="oversight",
            ),
            MenuItem("me", "dsr:me_requests", _("My requests"), icon="inbox", order=30),
            MenuItem("me", "dsr:me_profile", _("My details"), icon="users", order=35),
        )
        clock_sources.register()
        register_after_rectification(holds_redate_after_rectification)
        register_request_reference_check(request_names_subject)
        register_after_rectification(retention_mark_follow_relationship)
        # After the consents' own follow-up (the consents app is installed first), which stops them.
        register_after_rectification(relationship_end_notify)
        # A leaver's (or an auditor's) open requests go back to the queue with the role change.
        role_changing.connect(requests_lock_on_role_change, dispatch_uid="dsr.requests_lock")
        role_changed.connect(requests_return_on_role_change, dispatch_uid="dsr.requests_return")
        register_deletion_lookup(deletion_verified_open)
        register_check(checks.calendar_check)
        register_check(checks.platform_check)
        register_dashboard_cards(navigation.staff_cards, area="portal")
        register_dashboard_cards(navigation.calendar_cards, area="portal")
        register_dashboard_cards(navigation.customer_cards, area="me")
        register_dashboard_panel(
            DashboardPanel("dsr/dashboard_charts.html", navigation.dashboard_charts, order=20)
        )
        register_subject_panel(
            SubjectPanel(
                "dsr/panel_subject.html",
                navigation.subject_panel,
                order=40,
                permission="dsr.view_datasubjectrequest",
            )
        )
        register_subject_panel(
            SubjectPanel(
                "dsr/panel_disputes.html",
                navigation.dispute_panel,
                order=45,
                permission="dsr.view_disputehold",
            )
        )
        register_subject_panel(
            SubjectPanel(
                "dsr/panel_authority_disclosures.html",
                navigation.authority_disclosure_panel,
                order=46,
                permission="dsr.view_authoritydisclosure",
            )
        )
