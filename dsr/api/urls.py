from django.urls import path

from dsr.api import reports, views

urlpatterns = [
    path("requests/", views.RequestListCreateView.as_view(), name="request-list"),
    path("requests/<uuid:pk>/", views.RequestDetailView.as_view(), name="request-detail"),
    path("requests/<uuid:pk>/acknowledge/", views.AcknowledgeView.as_view(), name="request-acknowledge"),
    path(
        "requests/<uuid:pk>/verify-identity/",
        views.VerifyIdentityView.as_view(),
        name="request-verify-identity",
    ),
    path(
        "requests/<uuid:pk>/send-identity-code/",
        views.SendIdentityCodeView.as_view(),
        name="request-send-identity-code",
    ),
    path("requests/<uuid:pk>/transition/", views.TransitionView.as_view(), name="request-transition"),
    path("requests/<uuid:pk>/assign/", views.AssignView.as_view(), name="request-assign"),
    path("requests/<uuid:pk>/extend/", views.ExtendView.as_view(), name="request-extend"),
    path("requests/<uuid:pk>/approve/", views.ApproveView.as_view(), name="request-approve"),
    path("requests/<uuid:pk>/complete/", views.CompleteView.as_view(), name="request-complete"),
    path("requests/<uuid:pk>/reject/", views.RejectView.as_view(), name="request-reject"),
    path("requests/<uuid:pk>/cancel/", views.CancelView.as_view(), name="request-cancel"),
    path(
        "requests/<uuid:pk>/lift-restriction/",
        views.LiftRestrictionView.as_view(),
        name="request-lift-restriction",
    ),
    path("requests/<uuid:pk>/export/", views.ExportDownloadView.as_view(), name="request-export"),
    path("request-tasks/", views.TaskListView.as_view(), name="request-task-list"),
    path("request-tasks/<uuid:pk>/complete/", views.TaskCompleteView.as_view(), name="request-task-complete"),
    path("reports/deadlines/", reports.DeadlineReportView.as_view(), name="report-deadlines"),
]
