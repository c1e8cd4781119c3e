from django.urls import include, path

from trustdesk.api.app import api
from trustdesk.config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("trustdesk.console.urls")),
]

handler404 = "trustdesk.console.views.errors.not_found"
handler403 = "trustdesk.console.views.errors.forbidden"
handler500 = "trustdesk.console.views.errors.server_error"
