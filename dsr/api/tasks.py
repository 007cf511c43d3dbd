"""The systems' tasks under `/api/v1/request-tasks/`: the open tasks a client's systems must carry out for
requests (staff see every open task), and a system's report that it did one."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from core.actors import actor_for_user
from core.api.inputs import validated_body
from dsr import services
from dsr.api import inputs
from dsr.api import serializers as s
from dsr.filters import TaskFilterSet
from dsr.selectors import tasks_for_client, tasks_open
from subjects.staff_records import own_records


class TaskListView(generics.GenericAPIView):
    """An integration client's open tasks (its own systems only); staff see every open task."""

    required_permissions = {"GET": "dsr.view_fulfilmenttask"}
    required_scopes = {"GET": "requests:tasks"}
    serializer_class = s.ClientTaskSerializer
    list_filters = TaskFilterSet

    def get_queryset(self):
        user = self.request.user
        tasks = tasks_for_client(user) if actor_for_user(user).is_client else tasks_open()
        return TaskFilterSet.apply(self.request.query_params, tasks)

    def get_serializer_context(self):
        # Whether a task's request is the viewer's own is read once for the page (`task_allowed_actions`).
        own = own_records(actor_for_user(self.request.user))
        return {**super().get_serializer_context(), "allowed_actions_kwargs": {"own": own}}

    @extend_schema(
        parameters=[
            OpenApiParameter("request", str, description="A request's id: that request's open tasks."),
            OpenApiParameter("system", str, description="A system's code: that system's open tasks."),
        ],
        responses=s.ClientTaskSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TaskCompleteView(APIView):
    required_permissions = {"POST": s.TASK_COMPLETE_RIGHT.permission}
    required_scopes = {"POST": s.TASK_COMPLETE_RIGHT.scope}

    @extend_schema(request=inputs.TaskCompleteSerializer, responses=s.TaskSerializer)
    def post(self, request, pk):
        data = validated_body(inputs.TaskCompleteSerializer, request)
        task = services.task_complete(
            actor=actor_for_user(request.user),
            task_id=pk,
            result=data.get("result"),
            note=data.get("note", ""),
            evidence=data.get("evidence", ""),
        )
        return Response(s.TaskSerializer(task, context={"request": request}).data)
