from django.urls import path

from dsr.api import reports, samples, tasks, views

# Every action on one request is POST requests/{id}/{action}/, named request-{action}.
REQUEST_ACTIONS = {
    "acknowledge": views.AcknowledgeView,
    "verify-identity": views.VerifyIdentityView,
    "send-identity-code": views.SendIdentityCodeView,
    "transition": views.TransitionView,
    "assign": views.AssignView,
    "extend": views.ExtendView,
    "approve": views.ApproveView,
    "complete": views.CompleteView,
    "reject": views.RejectView,
    "cancel": views.CancelView,
    "reply": views.ReplyView,
    "lift-restriction": views.LiftRestrictionView,
}

urlpatterns = [
    path("requests/", views.RequestListCreateView.as_view(), name="request-list"),
    path("requests/<uuid:pk>/", views.RequestDetailView.as_view(), name="request-detail"),
    *(
        path(f"requests/<uuid:pk>/{action}/", view.as_view(), name=f"request-{action}")
        for action, view in REQUEST_ACTIONS.items()
    ),
    path("requests/<uuid:pk>/export/", views.ExportDownloadView.as_view(), name="request-export"),
    path("request-tasks/", tasks.TaskListView.as_view(), name="request-task-list"),
    path("request-tasks/<uuid:pk>/complete/", tasks.TaskCompleteView.as_view(), name="request-task-complete"),
    path("reports/deadlines/", reports.DeadlineReportView.as_view(), name="report-deadlines"),
    path("audit-samples/", samples.AuditSampleView.as_view(), name="audit-samples"),
]
