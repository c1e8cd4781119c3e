from django.urls import path

from trustdesk.portal import views

app_name = "portal"

urlpatterns = [
    path("trust/", views.trust, name="trust"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
]
