"""Staff roles: what access control (``chorus.core.access``) decides by.

They live in core, below every app that checks them; ``chorus.accounts`` gives each
staff user one of them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    ENGAGEMENT_OFFICER = "engagement_officer", _("Engagement officer")
    ANALYST = "analyst", _("Analyst")
    VIEWER = "viewer", _("Viewer")
