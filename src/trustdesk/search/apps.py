from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "trustdesk.search"
    label = "search"
