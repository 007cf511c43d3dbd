from django.urls import path, register_converter

from dsr.views import (
    customer,
    disclosures,
    disputes,
    former_customers,
    holds,
    inventory,
    policy,
    profile,
    queue,
    reports,
    samples,
    staff,
)

app_name = "dsr"


class MonthConverter:
    """A month in an address as the portal writes dates, two digits (`2026-02`); one digit, as e-mails
    sent before linked it, is read all the same."""

    regex = "[0-9]{1,2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):02d}"


register_converter(MonthConverter, "month")

urlpatterns = [
    path("portal/requests/", queue.queue, name="queue"),
    path("portal/requests/new/", staff.intake, name="intake"),
    path("portal/requests/<uuid:pk>/receipt/", staff.receipt, name="receipt"),
    path("portal/requests/policy/", policy.policy, name="policy"),
    path("portal/requests/policy/<int:pk>/", policy.policy_edit, name="policy_edit"),
    path("portal/requests/calendar/", policy.calendar_add, name="calendar_add"),
    path("portal/requests/calendar/<int:pk>/remove/", policy.calendar_remove, name="calendar_remove"),
    path("portal/requests/systems/", inventory.systems, name="systems"),
    path("portal/requests/legal-holds/", holds.holds_coming_due_page, name="holds_coming_due"),
    path(
        "portal/requests/former-customers/",
        former_customers.former_customers_page,
        name="former_customers_past_retention",
    ),
    path("portal/customers/<uuid:pk>/dispute-holds/", disputes.dispute_hold_new, name="dispute_hold_new"),
    path("portal/customers/<uuid:pk>/dispute-holds/<int:dispute_pk>/lift/", disputes.dispute_hold_lift,
         name="dispute_hold_lift"),
    path("portal/customers/<uuid:pk>/authority-disclosures/", disclosures.authority_disclosure_new,
         name="authority_disclosure_new"),
    path("portal/requests/systems/new/", inventory.system_edit, name="system_new"),
    path("portal/requests/systems/<int:pk>/", inventory.system_edit, name="system_edit"),
    path("portal/requests/systems/categories/", inventory.category_add, name="category_add"),
    path("portal/requests/systems/categories/<int:pk>/", inventory.category_edit, name="category_edit"),
    path("portal/requests/systems/retention-rules/", inventory.rule_add, name="rule_add"),
    path("portal/requests/systems/retention-rules/<int:pk>/", inventory.rule_edit, name="rule_edit"),
    path("portal/requests/<uuid:pk>/", staff.detail, name="detail"),
    path("portal/requests/<uuid:pk>/do/<slug:action>/", staff.act, name="act"),
    path("portal/requests/<uuid:pk>/tasks/<uuid:task_id>/done/", staff.task_done, name="task_done"),
    path("portal/requests/<uuid:pk>/export.<str:fmt>", staff.staff_export, name="staff_export"),
    path("portal/reports/deadlines/", reports.deadlines, name="report_deadlines"),
    path("portal/audit/samples/", samples.audit_sample_page, name="audit_sample"),
    path("portal/reports/deadlines/<int:year>-<month:month>/", reports.monthly, name="report_monthly"),
    path("portal/reports/deadlines/<int:year>/", reports.yearly, name="report_yearly"),
    path("me/requests/", customer.my_requests, name="me_requests"),
    path("me/profile/", profile.me_profile, name="me_profile"),
    path("me/profile/confirm/<uuid:pk>/", profile.me_profile_confirm, name="me_profile_confirm"),
    path("me/requests/new/", customer.new_request, name="me_new"),
    path("me/requests/<uuid:pk>/", customer.my_request, name="me_detail"),
    path("me/requests/<uuid:pk>/cancel/", customer.cancel, name="me_cancel"),
    path("me/requests/<uuid:pk>/reply/", customer.reply, name="me_reply"),
    path("me/requests/<uuid:pk>/identity-code/", customer.identity_code_send, name="me_identity_code"),
    path("me/requests/<uuid:pk>/identity/", customer.identity_verify, name="me_identity"),
    path("me/requests/<uuid:pk>/export.<str:fmt>", customer.download, name="me_download"),
]
