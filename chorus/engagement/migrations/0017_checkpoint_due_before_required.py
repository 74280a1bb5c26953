"""Every checkpoint has ``due_before`` (0016 filled it): from here it is required. A migration
of its own, so PostgreSQL alters the table outside the transaction that filled it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("engagement", "0016_checkpoint_due_before")]

    operations = [
        migrations.AlterField(
            model_name="checkpoint",
            name="due_before",
            field=models.DateTimeField(blank=True, editable=False),
        ),
    ]
