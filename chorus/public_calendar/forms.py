from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from chorus.core.forms import NamedChoiceField
from chorus.directory.models import Region, Topic


class CalendarFilterForm(forms.Form):
    topic = NamedChoiceField(
        label=gettext_lazy("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label=gettext_lazy("All topics"),
    )
    region = NamedChoiceField(
        label=gettext_lazy("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=gettext_lazy("All regions"),
    )
