"""Regulator API."""

urlpatterns: list = []
