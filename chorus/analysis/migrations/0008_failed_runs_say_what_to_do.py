"""Runs that failed before their page said what to do kept the exception's text
("IndexError: ..."), which their page showed. They now hold the words a failed run shows
(``chorus.analysis.services.runs.FAULT``); the details were logged when they failed."""

from django.db import migrations

FAULT = (
    "The analysis stopped because of a fault in Chorus. Try it again; if it stops again, tell "
    "your Chorus administrator the address of this page: the log names the analysis by it."
)
STOPPED = (
    "The analysis did not finish: the worker running it stopped. Try it again; "
    "if it stops again, tell your Chorus administrator."
)


def words(apps, schema_editor):
    AnalysisRun = apps.get_model("analysis", "AnalysisRun")
    AnalysisRun.objects.filter(status="failed").exclude(error__in=[FAULT, STOPPED]).update(error=FAULT)


class Migration(migrations.Migration):
    dependencies = [("analysis", "0007_run_event_evaluations")]

    operations = [migrations.RunPython(words, migrations.RunPython.noop)]
