from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "uchast.api"
    label = "uchast_api"
    verbose_name = "API"
