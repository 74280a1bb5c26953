"""Previewing and publishing datasets: publishing is a deliberate, recorded step."""

from __future__ import annotations

from django.db import transaction

from chorus.accounts.models import User
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.insights.datasets import BUILDERS, Built
from chorus.insights.models import Dataset, DatasetVersion


def dataset_build(dataset: Dataset) -> Built:
    return BUILDERS[dataset.builder].build()


def dataset_publish(*, dataset: Dataset, actor: User) -> DatasetVersion:
    """Build the table now, with disclosure control, and publish it as the next version."""
    built = dataset_build(dataset)
    with transaction.atomic():
        last = Dataset.objects.select_for_update().get(pk=dataset.pk).versions.order_by("-number").first()
        version = DatasetVersion.objects.create(
            dataset=dataset,
            number=(last.number + 1) if last else 1,
            columns=[c.as_dict() for c in built.columns],
            rows=built.rows,
            suppressed=built.suppressed,
            threshold=built.threshold,
            published_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=dataset,
            detail={
                "published_version": version.number,
                "rows": len(built.rows),
                "suppressed": built.suppressed,
            },
        )
    return version
