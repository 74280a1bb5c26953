from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chorus.core.models import AuditAction, AuditEntry, SitePage
from chorus.core.text import render_page_text

pytestmark = pytest.mark.django_db


def test_the_public_home_page_speaks_english_and_welsh(client: Client) -> None:
    english = client.get("/").content.decode()
    welsh = client.get("/cy/").content.decode()
    assert '<html lang="en"' in english and "Have your say" in english
    assert '<html lang="cy"' in welsh and "Dweud eich dweud" in welsh
    # Each links to the same page in the other language.
    assert 'href="/cy/"' in english
    assert 'hreflang="en"' in welsh


def test_the_home_page_and_every_footer_lead_to_contact_us(client: Client) -> None:
    """Raising an enquiry or a complaint starts from the home page, or from any page's footer."""
    home = client.get("/").content.decode()
    assert home.count('href="/contact-us/"') == 2  # the list of what people can do, and the footer
    elsewhere = client.get("/consultations/").content.decode()
    assert 'href="/contact-us/"' in elsewhere
    assert 'href="/cy/contact-us/"' in client.get("/cy/").content.decode()


def test_public_pages_send_a_strict_content_security_policy(client: Client) -> None:
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy


def test_an_administrator_edits_the_accessibility_statement(admin_client: Client, admin) -> None:
    url = reverse("core:site_page_edit", kwargs={"slug": "accessibility"})
    assert "Accessibility statement" in admin_client.get(url).content.decode()
    empty = admin_client.post(url, {"title_en": "", "body_en": "", "title_cy": "T", "body_cy": "B"})
    assert "Enter a title in English" in empty.content.decode()
    assert not SitePage.objects.exists()
    admin_client.post(
        url,
        {
            "title_en": "Accessibility statement",
            "body_en": "## Our promise\n\nWe test <script>every</script> page.",
            "title_cy": "Datganiad hygyrchedd",
            "body_cy": "## Ein haddewid\n\nRydym yn profi pob tudalen.",
        },
    )
    english = Client().get("/accessibility/").content.decode()
    assert '<h2 class="govuk-heading-m">Our promise</h2>' in english
    assert "&lt;script&gt;every&lt;/script&gt;" in english
    assert "Ein haddewid" in Client().get("/cy/accessibility/").content.decode()
    assert AuditEntry.objects.filter(
        action=AuditAction.CHANGE, object_type="core.sitepage", actor=admin
    ).exists()


def test_only_administrators_edit_site_pages(officer_client: Client) -> None:
    assert officer_client.get(reverse("core:site_page_edit", kwargs={"slug": "privacy"})).status_code == 403


def test_an_unknown_site_page_is_not_found(admin_client: Client) -> None:
    assert admin_client.get("/staff/pages/terms/").status_code == 404


def test_page_text_allows_headings_lists_and_safe_links_only() -> None:
    html = render_page_text(
        "## Title\n\n- one\n- [two](https://example.org/a)\n\n[bad](javascript:alert(1)) <b>x</b>"
    )
    assert '<h2 class="govuk-heading-m">Title</h2>' in html
    assert '<li><a class="govuk-link" href="https://example.org/a">two</a></li>' in html
    assert "javascript:" not in html.split("[bad]")[0]
    assert 'href="javascript' not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_the_staff_home_shows_what_needs_attention(admin_client: Client, officer) -> None:
    body = admin_client.get(reverse("core:staff_home")).content.decode()
    # The officer has never signed in: their invitation is pending.
    assert "Invitations not yet accepted" in body
    assert "Invite your colleagues" in body


def test_the_brand_colour_setting_reaches_the_page(client: Client, settings) -> None:
    settings.CHORUS_BRAND_COLOUR = "#00703c"
    css = client.get("/brand.css").content.decode()
    assert "--chorus-brand: #00703c" in css


def test_the_health_check_answers_when_the_database_does(client: Client) -> None:
    assert client.get("/healthz").content == b"ok"


@pytest.mark.django_db
def test_a_refused_staff_page_keeps_the_staff_header(viewer) -> None:
    from django.test import Client

    from tests.conftest import sign_in

    client = sign_in(Client(), viewer)
    for url in ("/staff/bulletins/new/", "/cy/staff/bulletins/new/"):
        response = client.get(url)
        assert response.status_code == 403
        page = response.content.decode()
        assert 'href="/sign-in/"' not in page and "/sign-out/" in page, url


def test_the_administrators_home_links_failed_background_tasks_to_their_list(admin_client: Client) -> None:
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    DBTaskResult.objects.create(
        status=TaskResultStatus.FAILED,
        task_path="chorus.core.tasks.nothing",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
        finished_at=timezone.now(),
    )

    page = admin_client.get("/staff/")

    assert page.status_code == 200
    assert "Background tasks that failed this week" in page.content.decode()
    assert "/django-admin/django_tasks_database/dbtaskresult/" in page.content.decode()
