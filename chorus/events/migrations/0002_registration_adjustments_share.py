# Invitations, the evaluation after an activity, and who a registrant shares needs with.
# Written by hand to hold only these (check-in and materials have their own migration).

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_adjustments"),
        ("engagement", "0015_activity_booked_support"),
        ("events", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="adjustments_share",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.CreateModel(
            name="Invitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created"
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "activity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to="engagement.activity",
                    ),
                ),
                (
                    "invited_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="event_invitations",
                        to="directory.person",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("activity", "person"), name="invitation_once_per_person")
                ],
            },
        ),
        migrations.CreateModel(
            name="Evaluation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created"
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("code", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("language", models.CharField(default="en", max_length=2)),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "useful",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="how useful"),
                ),
                (
                    "listened",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="felt listened to"),
                ),
                (
                    "accessible",
                    models.CharField(
                        blank=True,
                        choices=[("yes", "Yes"), ("partly", "Partly"), ("no", "No")],
                        max_length=10,
                        verbose_name="accessible",
                    ),
                ),
                ("improve", models.TextField(blank=True, verbose_name="what to improve")),
                (
                    "activity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evaluations",
                        to="engagement.activity",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="event_evaluations",
                        to="directory.person",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("activity", "person"), name="evaluation_once_per_person"),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("useful__isnull", True),
                            models.Q(("useful__gte", 1), ("useful__lte", 5)),
                            _connector="OR",
                        ),
                        name="evaluation_useful_1_to_5",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("listened__isnull", True),
                            models.Q(("listened__gte", 1), ("listened__lte", 5)),
                            _connector="OR",
                        ),
                        name="evaluation_listened_1_to_5",
                    ),
                ],
            },
        ),
    ]
