from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "chorus.api"
    label = "api"
    verbose_name = _("Staff API")
