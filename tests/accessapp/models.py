"""A test-only model that exercises the access helper as later apps will."""

from django.db import models

from chorus.core.models import CodedModel


class Dossier(CodedModel):
    title = models.CharField(max_length=100)
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL)

    team_path = "team"
    audit_views = True

    def __str__(self) -> str:
        return self.title
