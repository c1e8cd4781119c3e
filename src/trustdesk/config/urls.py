from django.urls import include, path

from trustdesk.api.app import api
from trustdesk.config.health import healthz, readyz
from trustdesk.config.metrics import metrics
from trustdesk.console.views.account import signin_address

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("api/v1/", api.urls),
    # Before allauth's: nobody adds, removes or swaps their own sign-in address.
    path("accounts/email/", signin_address, name="account_email"),
    path("accounts/", include("allauth.urls")),
    # The public pages, before the console's: no sign-in, their own CSP and language.
    path("", include("trustdesk.portal.urls")),
    path("", include("trustdesk.console.urls")),
]

handler404 = "trustdesk.console.views.errors.not_found"
handler403 = "trustdesk.console.views.errors.forbidden"
handler500 = "trustdesk.console.views.errors.server_error"
