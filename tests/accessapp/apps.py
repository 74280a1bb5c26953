from django.apps import AppConfig


class AccessAppConfig(AppConfig):
    name = "tests.accessapp"
    label = "accessapp"
