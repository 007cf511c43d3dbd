from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """API tokens, idempotency, the outbox of e-mails and signed webhooks."""

    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from django.core.checks import register as register_check

        from accounts.signals import role_changed, role_changing
        from audit.actions import CONFIGURATION, register_actions
        from audit.signals import (
            chain_broken,
            chain_unfinished,
            checkpoint_written,
            checkpoints_restarted,
            restore_recorded,
            restore_since_checkpoint_recorded,
            unusual_access,
        )
        from core.navigation import MenuItem, register_dashboard_cards, register_menu
        from core.roles import Role, grant_permissions
        from integrations import alerts, checks, navigation, services
        from integrations.api import schema  # noqa: F401 (registers the OpenAPI auth extensions)

        # Production sends e-mails and SMS: files under VAR_DIR are for the demo and the tests.
        register_check(checks.file_backends_check, deploy=True)
        # ... and its links lead to the portal, not to the development server's localhost.
        register_check(checks.site_url_check, deploy=True)
        register_check(checks.sender_check, deploy=True)
        chain_broken.connect(alerts.audit_chain_broken_email_dpo, dispatch_uid="integrations.audit_alert")
        chain_unfinished.connect(alerts.audit_chain_unfinished_email_dpo,
                                 dispatch_uid="integrations.audit_unfinished_alert")
        unusual_access.connect(alerts.audit_unusual_access_email_dpo,
                               dispatch_uid="integrations.unusual_access")
        checkpoint_written.connect(alerts.audit_checkpoint_email_internal_audit,
                                   dispatch_uid="integrations.audit_checkpoint")
        restore_recorded.connect(alerts.audit_restore_email, dispatch_uid="integrations.audit_restore")
        restore_since_checkpoint_recorded.connect(alerts.audit_restore_since_checkpoint_email,
                                                  dispatch_uid="integrations.audit_restore_since_checkpoint")
        checkpoints_restarted.connect(alerts.audit_checkpoints_restarted_email,
                                      dispatch_uid="integrations.audit_checkpoints_restarted")
        role_changing.connect(services.tokens_lock_on_role_change, dispatch_uid="integrations.tokens_lock")
        role_changed.connect(services.tokens_revoke_on_role_change, dispatch_uid="integrations.role_tokens")
        # What an auditor testing change management reads as configuration changes (the trail's kind).
        register_actions({
            "core.token.issued": _("API token issued"),
            "core.token.revoked": _("API token revoked"),
            "integrations.webhook.created": _("Webhook endpoint registered"),
            "integrations.webhook.updated": _("Webhook endpoint changed"),
            "integrations.webhook.secret_rotated": _("Webhook signing secret rotated"),
        }, category=CONFIGURATION)
        register_actions({
            "core.outbox.retried": _("Parked message sent again"),
            "core.outbox.purged": _("Addresses and bodies of old e-mails and SMS emptied"),
            "integrations.webhook.test_sent": _("Test notice sent to a webhook endpoint"),
            "integrations.webhook.redelivered": _("Webhook notice delivered again"),
            "integrations.job.queued": _("Background job queued"),
            "integrations.job.inputs_purged": _("Input files no background job will read deleted"),
            "integrations.job.status_changed": _("Background job status changed"),
        })
        # The DPO sees every API token, revokes lost or leaked ones and issues an auditor's read-only
        # token (other tokens are issued from a terminal).
        grant_permissions(Role.DPO, "integrations.view_apitoken", "integrations.change_apitoken",
                          "integrations.add_apitoken", "integrations.manage_outbox")
        # The DPO registers the endpoints recipients' systems are told on, and watches their deliveries.
        grant_permissions(Role.DPO, "integrations.view_webhookendpoint", "integrations.add_webhookendpoint",
                          "integrations.change_webhookendpoint")
        # Whoever starts long work (the DPO's CSV import) follows and cancels their own jobs.
        grant_permissions(Role.DPO, "integrations.view_backgroundjob", "integrations.change_backgroundjob")
        register_dashboard_cards(navigation.undelivered_cards, area="portal")
        register_dashboard_cards(navigation.tokens_ending_cards, area="portal")
        register_menu(
            MenuItem("portal", "integrations:outbox_parked", _("Undelivered messages"), icon="alert",
                     order=96, permission="integrations.manage_outbox", group="admin"),
            MenuItem("portal", "integrations:tokens", _("API tokens"), icon="settings", order=98,
                     permission="integrations.view_apitoken", group="admin"),
            MenuItem("portal", "integrations:webhooks", _("Webhook endpoints"), icon="settings", order=97,
                     permission="integrations.view_webhookendpoint", group="admin"),
        )
