from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chorus.accounts.demo import DEMO_ACCOUNTS
from chorus.accounts.models import Team, User
from chorus.core.models import DemoDataset

pytestmark = pytest.mark.django_db


def test_demo_data_is_added_once_and_edits_survive_a_second_run() -> None:
    call_command("demo", scale="small")
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    officer = User.objects.get(email="officer@demo.chorus.test")
    officer.full_name = "Renamed by hand"
    officer.save()
    Team.objects.filter(name="Crime").delete()

    call_command("demo", scale="small")

    assert User.objects.count() == len(DEMO_ACCOUNTS)
    assert User.objects.get(email="officer@demo.chorus.test").full_name == "Renamed by hand"
    assert not Team.objects.filter(name="Crime").exists()
    assert DemoDataset.objects.filter(builder="accounts").count() == 1
    # Service feedback and equality answers (counted, never shown one by one) are there to see.
    from chorus.equality.models import EqualityRecord
    from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service

    assert Service.objects.count() == 4
    assert PageFeedback.objects.count() == 2000 and ExitSurveyResponse.objects.count() == 500
    assert EqualityRecord.objects.filter(submitted=True).count() > 100
    # Bulletins: subscribers, a sent bulletin with deliveries, a sent trial, a draft.
    from chorus.bulletins.models import Bulletin, Delivery, Subscriber
    from chorus.bulletins.trials import result

    assert Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count() > 100
    # The scale's numbers are what is made (medium once made 72% of its responses, a quarter
    # of its subscribers).
    from chorus.core.registry import SCALES

    small = SCALES["small"]
    made = DemoDataset.objects.get(builder="consultation-questions").summary
    assert made["consultation responses"] == small.responses  # perception surveys add their own
    assert Subscriber.objects.count() == small.subscribers
    assert Bulletin.objects.filter(status=Bulletin.Status.SENT).count() == 2
    trial = Bulletin.objects.get(is_trial=True)
    assert Delivery.objects.filter(bulletin=trial).count() > 100
    assert len(result(trial).arms) == 2


def test_demo_data_is_refused_outside_local_mode(settings) -> None:
    settings.LOCAL = False
    with pytest.raises(CommandError, match="Demo data is for local mode"):
        call_command("demo")
    assert not User.objects.exists()


def test_an_unknown_scale_is_refused() -> None:
    with pytest.raises(CommandError, match="invalid choice: 'huge'"):
        call_command("demo", "--scale", "huge")
