"""`GET /api/v1/audit-samples/`: the auditor's reproducible random sample of the consents or requests
of a period (auditor and DPO, `audit:read`)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.actors import actor_for_user
from core.api.renderers import LocalTimeJSONRenderer
from core.moments import check_in_range
from core.sampling import SEED_MAX
from dsr.selectors.samples import SAMPLE_POPULATIONS, SAMPLE_SIZE_MAX
from dsr.services.samples import audit_sample_draw


class SampleQuerySerializer(serializers.Serializer):
    population = serializers.ChoiceField(
        choices=sorted(SAMPLE_POPULATIONS),
        help_text="consents (the consent records, refusals included, by when the customer answered) or "
                  "requests (by when they were received).",
    )
    since = serializers.DateField(help_text="First day of the period (local time).")
    until = serializers.DateField(help_text="Day after the period (local time), not included.")
    size = serializers.IntegerField(min_value=1, max_value=SAMPLE_SIZE_MAX, default=25)
    seed = serializers.CharField(
        max_length=SEED_MAX, required=False, allow_blank=True, trim_whitespace=True, default="",
        help_text="Any text; the same seed over the same population draws the same sample. Without one, "
                  "a seed is chosen and given back.",
    )

    def validate(self, attrs):
        for name in ("since", "until"):
            check_in_range(attrs[name], field=name)
        return attrs


class AuditSampleView(APIView):
    required_permissions = {"GET": "audit.view_auditentry"}
    required_scopes = {"GET": "audit:read"}
    renderer_classes = [LocalTimeJSONRenderer]

    @extend_schema(
        parameters=[SampleQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
        description=(
            "A random sample of the period's consents or requests that anyone can draw again: the "
            "population (its records of [since, until) in the order `ordered_by`), `population_count` and "
            "`population_sha256` (to check a second draw used the same records), the `seed` (given or "
            "chosen), the `method`, and the `items` drawn, each with the link to its evidence."
        ),
    )
    def get(self, request, *args, **kwargs):
        query = SampleQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(audit_sample_draw(actor=actor_for_user(request.user), **query.validated_data))
