"""Each checkpoint keeps the moment its due date ends, so participation compares stored times
with it (no per-row conversion of times to local dates)."""

from datetime import datetime, time, timedelta

from django.db import migrations, models
from django.utils import timezone


def fill(apps, schema_editor):
    Checkpoint = apps.get_model("engagement", "Checkpoint")
    zone = timezone.get_default_timezone()
    for checkpoint in Checkpoint.objects.only("pk", "due_on").iterator():
        end = datetime.combine(checkpoint.due_on + timedelta(days=1), time.min)
        Checkpoint.objects.filter(pk=checkpoint.pk).update(due_before=timezone.make_aware(end, zone))


class Migration(migrations.Migration):
    dependencies = [("engagement", "0015_activity_booked_support")]

    operations = [
        migrations.AddField(
            model_name="checkpoint",
            name="due_before",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
