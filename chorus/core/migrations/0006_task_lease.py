from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_rate_count"),
    ]

    operations = [
        migrations.CreateModel(
            name="TaskLease",
            fields=[
                ("task_id", models.UUIDField(primary_key=True, serialize=False)),
                ("task_path", models.CharField(max_length=300)),
                ("worker_id", models.CharField(max_length=64)),
                ("beat_at", models.DateTimeField(db_index=True)),
            ],
        ),
    ]
