from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.health import healthz
from portal.views import default_language_prefix_dropped, switch_language

# Django tries the patterns in order: the consent check, called before every marketing send and card
# authorisation, is matched first. No two apps' API paths overlap, so the order changes nothing else.
api_v1 = [
    path("", include("consents.api.urls")),
    path("", include("subjects.api.urls")),
    path("", include("audit.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("authorisations.api.urls")),
    path("", include("dsr.api.urls")),
    path("", include("regulator.api.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/", healthz),
    path("api/v1/", include(api_v1)),
    path("oauth/", include("authorisations.oauth_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/setlang/", switch_language, name="set_language"),
]

# Pages: Vietnamese at /portal/ and /me/, English at /en/portal/ and /en/me/.
urlpatterns += i18n_patterns(
    path("", include("portal.urls")),
    path("", include("accounts.urls")),
    path("", include("subjects.urls")),
    path("", include("notifications.urls")),
    path("", include("integrations.urls")),
    path("", include("deadlines.urls")),
    path("", include("audit.urls")),
    path("", include("consents.urls")),
    path("", include("authorisations.urls")),
    path("", include("dsr.urls")),
    path("", include("regulator.urls")),
    path("", include("transparency.urls")),
    prefix_default_language=False,
)

# The default language's pages have no prefix; one given anyway leads to them.
urlpatterns.append(re_path(rf"^{settings.LANGUAGE_CODE}(?:/(?P<rest>.*))?$", default_language_prefix_dropped))

# Translated pages, JSON under /api/ (core/error_pages.py); CSRF_FAILURE_VIEW is in settings.
handler400 = "core.error_pages.bad_request"
handler403 = "core.error_pages.permission_denied"
handler404 = "core.error_pages.page_not_found"
handler500 = "core.error_pages.server_error"
