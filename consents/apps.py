"""The consents app: purposes, notices, consent records, the consent check, withdrawal duties."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentsConfig(AppConfig):
    name = "consents"
    verbose_name = _("Consents")

    def ready(self) -> None:
        from audit.actions import CONFIGURATION, register_actions
        from consents.services.duty_evidence import duty_notice_delivered
        from consents.services.feed_restamps import customer_renumbered_restamp
        from consents.services.imports import IMPORT_TASK
        from core.roles import Role, grant_permissions
        from integrations.jobs import job_kind_scope_register
        from integrations.signals import outbox_attempt_finished
        from subjects.signals import customer_renumbered

        # A duty's notice delivered dates the duty told, in the delivery's transaction.
        outbox_attempt_finished.connect(duty_notice_delivered, dispatch_uid="consents.duty_notice_delivered")
        # A renumbered customer's answers reach the consent feed under the new number, in its transaction.
        customer_renumbered.connect(customer_renumbered_restamp, dispatch_uid="consents.feed_renumbered")

        # What an auditor testing change management reads as configuration changes (the trail's kind).
        register_actions({
            "consents.purpose.created": _("Purpose added to the catalogue"),
            "consents.purpose.updated": _("Purpose changed"),
            "consents.notice.published": _("Notice version published"),
            "consents.notice.history_recorded": _("Past notice version recorded (before the platform)"),
            "consents.recipient.created": _("Recipient added"),
            "consents.recipient.renamed_en": _("Recipient's English name set or corrected"),
            "consents.recipient.contact_changed": _("Recipient's contact for reminders set or changed"),
            "consents.recipient.ended": _("The bank's relationship with a recipient ended"),
        }, category=CONFIGURATION)
        register_actions(
            {
                "consents.purpose.version_applied": _("Purpose version took effect"),
                "consents.consent.granted": _("Consent granted"),
                "consents.consent.withdrawn": _("Consent withdrawn"),
                "consents.consent.expired": _("Consent expired"),
                "consents.consent.superseded": _("Consent superseded by a new notice version"),
                "consents.consent.refused": _("Consent refused"),
                "consents.consent.voided": _("Consent voided as recorded in error"),
                "consents.consent.phone_confirmation_sent": _(
                    "Customer told in writing of a consent the call centre recorded"
                ),
                "consents.consent.stop_notice_sent": _(
                    "Customer or guardian told of consents the platform stopped for a child"
                ),
                "consents.campaign.checked": _("Campaign list checked for consent"),
                "consents.feed.read": _("Page of the consent feed pulled by a batch"),
                "consents.feed.applied": _("Batch confirmed it applied the consent feed up to a point"),
                "consents.restriction.applied": _("Processing restricted or objected to"),
                "consents.restriction.lifted": _("Processing restriction lifted"),
                "consents.duty.opened": _("Recipients told to stop processing after a withdrawal"),
                "consents.purpose.stops_queued": _(
                    "Purpose narrowed or retired: recipients to be told to stop under its consents"
                ),
                "consents.duty.purpose_change_opened": _(
                    "Recipients told to stop processing after a purpose was narrowed or retired"
                ),
                "consents.duty.told": _("Recipient's notice of a duty delivered"),
                "consents.duty.acknowledged": _("Recipient acknowledged a withdrawal or a correction"),
                "consents.duty.late_reason_recorded": _(
                    "Reason recorded for a recipient's late confirmation"
                ),
                "consents.duty.rectification_opened": _(
                    "Recipients told of a correction of the customer's data"
                ),
                "consents.duty.restriction_opened": _(
                    "Recipients told to stop processing under a restriction or objection"
                ),
                "consents.duty.resumption_sent": _(
                    "Recipients told they may resume processing: a restriction or objection lifted"
                ),
                "consents.duty.widening_resumption_sent": _(
                    "Recipients told they may resume processing: the customer agreed to the widened purpose"
                ),
                "consents.duty.called_off": _(
                    "Recipient's stop called off: the restriction's request was refused or cancelled, or the "
                    "customer agreed to the widened purpose"
                ),
                "consents.duty.erasure_opened": _("Recipients told to delete the customer's erased data"),
                "consents.duty.reminded": _("Recipient reminded of a duty it had not confirmed"),
                "consents.import.batch_imported": _("A batch of consents imported from CSV"),
                "consents.import.completed": _("Consents imported from CSV"),
                "consents.announcement.scheduled": _("Notice change announcement scheduled"),
                "consents.announcement.sent": _("Notice change announced to customers"),
                "consents.announcement.sent_late": _(
                    "Notice change announced late; it takes effect when the notice period ends"
                ),
                "consents.announcement.fresh_consent_asked": _("Customers asked for fresh consent"),
                "consents.announcement.completed": _(
                    "Minor notice change completed; no fresh consent needed"
                ),
                "consents.announcement.attempt_failed": _(
                    "Notice change announcement failed; it will be tried again"
                ),
                "consents.announcement.parked": _(
                    "Notice change announcement failed again and again; it needs attention"
                ),
                "consents.announcement.retried": _("Notice change announcement put back to be tried again"),
            }
        )
        # Whoever may start an import (the catalogue's scope) may follow and cancel it.
        job_kind_scope_register(kind=IMPORT_TASK, scope="consents:admin")
        read = (
            "consents.view_purpose",
            "consents.view_consent",
            "consents.view_recipient",
            "consents.view_withdrawalduty",
        )
        for role in (Role.OFFICER, Role.PRIVACY, Role.DPO, Role.AUDITOR):
            grant_permissions(role, *read)
        for role in (Role.OFFICER, Role.PRIVACY, Role.DPO):
            grant_permissions(role, "consents.add_consent", "consents.change_consent")
        for role in (Role.PRIVACY, Role.DPO):
            # Voiding a consent recorded in error: never its recorder (`consents.services.voids`).
            grant_permissions(role, "consents.acknowledge_withdrawalduty", "consents.void_consent")
        # Who reads the deadline report reads the consent report (deadlines.apps); officers do not.
        for role in (Role.PRIVACY, Role.DPO, Role.AUDITOR):
            grant_permissions(role, "consents.view_consent_report")
        grant_permissions(
            Role.DPO, "consents.manage_catalogue", "consents.add_purpose", "consents.import_consents"
        )
        # Integration clients record consents from their channels, ask the check, acknowledge their duties.
        grant_permissions(
            Role.CLIENT,
            "consents.view_purpose",
            "consents.view_consent",
            "consents.add_consent",
            "consents.change_consent",
            "consents.view_withdrawalduty",
            "consents.acknowledge_withdrawalduty",
        )
        from consents import clock_sources, navigation
        from consents.selectors import recipient_choices, recipients_served
        from consents.services.child_stops import consents_stop_for_child
        from consents.services.duties import duties_open_for_rectification
        from consents.services.recipients import recipient_endpoint_link
        from consents.services.relationship_stops import consents_stop_for_relationship_end
        from integrations.recipients import RecipientDirectory, register_recipient_directory
        from subjects.follow_ups import register_after_rectification

        navigation.register()
        clock_sources.register()
        register_recipient_directory(RecipientDirectory(
            choices=recipient_choices, served=recipients_served, link=recipient_endpoint_link
        ))
        register_after_rectification(consents_stop_for_child)
        register_after_rectification(consents_stop_for_relationship_end)
        # After the child's consents stopped: their recipients are told to stop, and of the correction.
        register_after_rectification(duties_open_for_rectification)
