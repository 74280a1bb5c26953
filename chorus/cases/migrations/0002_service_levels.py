"""The default service levels, in working days (administrators change them in the admin)."""

from django.db import migrations

DEFAULTS = [
    ("enquiry", "", 10),
    ("complaint", "first_response", 10),
    ("complaint", "review", 20),
    ("complaint", "ombudsman", 40),
    ("compliment", "", 5),
    ("suggestion", "", 20),
]


def seed(apps, schema_editor):
    ServiceLevel = apps.get_model("cases", "ServiceLevel")
    for kind, stage, days in DEFAULTS:
        ServiceLevel.objects.get_or_create(kind=kind, stage=stage, defaults={"working_days": days})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
