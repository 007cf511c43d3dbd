"""The platform's URLs plus `/bench/ping`, the trivial endpoint the consent check is compared with."""

from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as platform_urlpatterns


def ping(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/ping", ping), *platform_urlpatterns]
