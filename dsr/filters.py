"""The request list's query parameters in one FilterSet: `status`, `subject` (CIF) with `as_guardian`,
`type`, `relationship` (the person's, `SubjectRelationship`), `assignee`, and the deadline flags
`overdue`, `due_soon` and `acknowledgement_overdue`; a bad value is a 400 naming the parameter. The API
list and the staff queue page read it alike.
`REQUEST_FILTERS` describes the same parameters in the OpenAPI schema. The open fulfilment tasks narrow
by `request` and `system` (`TaskFilterSet`)."""

from __future__ import annotations

import django_filters
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter

from core.api.filters import FLAG_MESSAGE, FlagFilter, ListFilterSet
from core.errors import InvalidInput
from deadlines.models import RequestType
from dsr.selectors import DUE_SOON, requests_by_deadline, requests_of_customer, staff_member_exists
from dsr.states import RequestStatus
from subjects.filters import SubjectStatusFilterSet
from subjects.models import SubjectRelationship
from subjects.selectors import subject_id_for_cif


class RequestFilterSet(SubjectStatusFilterSet):
    type = django_filters.ChoiceFilter(field_name="type", choices=RequestType.choices)
    # The requests of guarantors, payees... apart from customers' (the regulator's figures ask for them).
    relationship = django_filters.ChoiceFilter(
        field_name="subject__relationship", choices=SubjectRelationship.choices
    )
    # A user id is a positive 64-bit integer; longer digit strings overflow the database driver.
    assignee = django_filters.CharFilter(
        field_name="assignee_id", validators=[RegexValidator(r"^[0-9]{1,18}\Z")]
    )
    # With `subject`: also the requests that customer filed as guardian for a ward, as the queue adds them.
    as_guardian = FlagFilter()
    # Read together by `filter_queryset`: both at once ask for either, which no filter alone can say.
    overdue = FlagFilter()
    due_soon = FlagFilter()
    acknowledgement_overdue = FlagFilter()
    status_choices = RequestStatus.choices
    messages = {
        **SubjectStatusFilterSet.messages,
        "type": _("Unknown request type."),
        "relationship": _("Unknown relationship with the bank."),
        "assignee": _("Give the assignee as a user id."),
        "as_guardian": FLAG_MESSAGE,
        "overdue": FLAG_MESSAGE,
        "due_soon": FLAG_MESSAGE,
        "acknowledgement_overdue": FLAG_MESSAGE,
    }
    read_together = ("subject", "as_guardian", "assignee", "overdue", "due_soon", "acknowledgement_overdue")

    def __init__(self, *args, now=None, unknown_refused: bool = True, **kwargs):
        """`unknown_refused`: a customer number nobody has, or an assignee no staff member is, is a 400
        (staff and systems may learn which exist); otherwise it lists nothing, as another customer's
        number does to a customer, who must not learn whether a number or a staff id exists."""
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.unknown_refused = unknown_refused

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in self.read_together:
                queryset = self.filters[name].filter(queryset, value)
        queryset = self.of_customer(queryset, data["subject"], as_guardian=bool(data["as_guardian"]))
        queryset = self.of_assignee(queryset, data["assignee"])
        return requests_by_deadline(
            queryset,
            overdue=bool(data["overdue"]),
            due_within=DUE_SOON if data["due_soon"] else None,
            acknowledgement_overdue=bool(data["acknowledgement_overdue"]),
            now=self.now,
        )

    def of_customer(self, queryset, cif: str, *, as_guardian: bool):
        """The customer's requests as the staff queue lists them (`requests_of_customer`), with those
        they filed as guardian for a ward when `as_guardian`."""
        if not cif:
            if as_guardian:
                raise InvalidInput(
                    _("Give the customer's number (CIF) in subject: as_guardian adds the requests that "
                      "customer filed as guardian for a ward."),
                    field="as_guardian",
                )
            return queryset
        subject_id = subject_id_for_cif(cif)
        if subject_id is None:
            return self.unknown(queryset, _("No customer with this customer number (CIF)."), field="subject")
        return requests_of_customer(subject_id=subject_id, as_guardian=as_guardian, base=queryset)

    def of_assignee(self, queryset, user_id: str):
        """The requests assigned to the staff member `user_id` (a former one's too)."""
        if not user_id:
            return queryset
        if not staff_member_exists(int(user_id)):
            return self.unknown(queryset, _("No staff member has this user id."), field="assignee")
        return queryset.filter(assignee_id=user_id)

    def unknown(self, queryset, message, *, field: str):
        """A filter naming someone nobody is: a 400 saying so, or nothing listed (`unknown_refused`)."""
        if self.unknown_refused:
            raise InvalidInput(message, field=field)
        return queryset.none()


# The same parameters as the OpenAPI schema describes them.
REQUEST_FILTERS = [
    OpenApiParameter("status", str, enum=RequestStatus.values),
    OpenApiParameter("type", str, enum=RequestType.values),
    OpenApiParameter(
        "relationship", str, enum=SubjectRelationship.values,
        description="Only the requests of people with this relationship with the bank (`guarantor`, "
        "`payee`...): non-customers' requests apart from customers'.",
    ),
    OpenApiParameter(
        "overdue", bool,
        description="Only open requests past a deadline, the bank's or the law's, on a running clock.",
    ),
    OpenApiParameter("due_soon", bool, description="Only open requests due within 24 hours."),
    OpenApiParameter(
        "acknowledgement_overdue", bool,
        description="Only open requests past their acknowledgement deadline (`acknowledge_by`) and not yet "
        "acknowledged. With `overdue` or `due_soon`, requests matching any of them.",
    ),
    OpenApiParameter(
        "subject", str,
        description="Customer number (CIF): that customer's requests. Staff and systems: a number no "
        "customer has is a 400. A customer reads only their own and their wards' requests; any other "
        "number lists nothing.",
    ),
    OpenApiParameter(
        "as_guardian", bool,
        description="With `subject`: also the requests that customer filed as guardian for a ward. Staff "
        "see them whether or not the customer still acts for the ward, as the staff queue's *Include "
        "those filed as guardian* and the customer page count them; a customer, for the wards they "
        "still act for. Without `subject` it is a 400.",
    ),
    OpenApiParameter(
        "assignee", int,
        description="Staff user id: the requests assigned to that staff member. Staff and systems: an id no "
        "staff member has is a 400; to a customer it lists nothing.",
    ),
]



class TaskFilterSet(ListFilterSet):
    """A system's open tasks of one request (`request`, its id) or of one system (`system`, its code)."""

    request = django_filters.UUIDFilter(field_name="request_id")
    system = django_filters.CharFilter(field_name="system__code")
    messages = {"request": _("Give the request's id (a UUID).")}
