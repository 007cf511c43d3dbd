"""Regulator pages."""

app_name = "regulator"

urlpatterns: list = []
