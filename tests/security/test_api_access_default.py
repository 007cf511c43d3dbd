"""An API view is closed until it names who may call it: the role check is every view's default, so a
view that forgets its `required_permissions` refuses everyone signed in, instead of letting them all in."""
from __future__ import annotations

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class NamesNoPermission(APIView):
    def get(self, request):
        return Response({"reached": True})


class NamesItsPermission(APIView):
    required_permissions = {"GET": "consents.view_consent"}

    def get(self, request):
        return Response({"reached": True})


def _get(view, user):
    request = APIRequestFactory().get("/api/v1/anything/")
    force_authenticate(request, user=user)
    return view.as_view()(request)


@pytest.mark.parametrize("role", ["officer", "dpo", "auditor", "customer"])
def test_a_view_that_names_no_permission_refuses_everyone(role):
    assert _get(NamesNoPermission, UserFactory(role=role)).status_code == 403


def test_a_view_that_names_its_permission_lets_that_role_in_without_saying_more():
    assert _get(NamesItsPermission, UserFactory(role="officer")).data == {"reached": True}
    assert _get(NamesItsPermission, UserFactory(role="customer")).status_code == 403
