"""Link the responses already stored to the directory people whose addresses they came from
(``chorus.consultations.linking``, which this repeats, as migrations must not import app
code that may change).

Resumable and cheap on a large table: it runs outside one long transaction, a range of
responses at a time, each range committed on its own; only responses not yet linked whose
address the directory holds are written, so a run stopped part way and started again (or
run on a database where new responses are already linked) skips what is done."""

from django.db import migrations, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Lower

BATCH = 20_000


def backfill(apps, schema_editor):
    Response = apps.get_model("consultations", "Response")
    ContactPoint = apps.get_model("directory", "ContactPoint")
    held = ContactPoint.objects.filter(
        kind="email",
        normalised=Lower(OuterRef("email")),
        person__merged_into__isnull=True,
        person__erased_at__isnull=True,
    )
    holder = Subquery(held.order_by("person_id").values("person_id")[:1])
    last = (
        Response.objects.using(schema_editor.connection.alias)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if last is None:
        return
    using = schema_editor.connection.alias
    for first in range(0, last + 1, BATCH):
        with transaction.atomic(using=using):
            Response.objects.using(using).filter(
                Exists(held), pk__gte=first, pk__lt=first + BATCH, person__isnull=True
            ).exclude(email="").update(person=holder)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("consultations", "0016_response_person"),
        ("directory", "0008_saved_search"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
