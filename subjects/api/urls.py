from django.urls import path

from subjects.api import views

urlpatterns = [
    path("subjects/", views.SubjectListCreateView.as_view(), name="subject-list"),
    path("subjects/search/", views.SubjectSearchView.as_view(), name="subject-search"),
    path("subjects/<uuid:pk>/", views.SubjectDetailView.as_view(), name="subject-detail"),
    path(
        "subjects/<uuid:pk>/verify-guardian/",
        views.GuardianVerifyView.as_view(),
        name="subject-verify-guardian",
    ),
    path(
        "subjects/<uuid:pk>/national-id-shares/",
        views.NationalIdShareView.as_view(),
        name="subject-national-id-share",
    ),
    path(
        "subjects/<uuid:pk>/customer-number/",
        views.CustomerNumberChangeView.as_view(),
        name="subject-customer-number",
    ),
]
