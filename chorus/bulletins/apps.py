from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "chorus.bulletins"
    label = "bulletins"
    verbose_name = _("Bulletins")

    def ready(self) -> None:
        from chorus.bulletins import demo, jobs  # noqa: F401  (registers demo data, the digest and the sender)
