"""Every URL, as every kind of visitor: the class of access faults, not one instance.

The URL configuration is walked, and every pattern is requested as five identities:

- ``anonymous``: not signed in;
- ``viewer`` and ``analyst``: members of team A (reading roles);
- ``other_team``: an engagement officer of team B;
- ``admin``: an administrator, past two-factor authentication.

Arguments come from records restricted to team A (``access_fixtures.py``). ``EXPECT``
says what each identity gets from each pattern; a pattern with no entry fails
``test_every_url_pattern_has_an_expectation``, so a new URL cannot slip in unexamined.
Beyond the status, every response is checked for the faults that matter whatever the
page: a 500; team A's records shown to team B's officer, or team B's to team A's viewer
and analyst; a member of the public's contact details shown to a viewer; personal data
shown with no audit entry written. ``DOWNLOADS`` does the same for every file and API
endpoint, including those behind a query (``?format=csv``), and a scan of the code keeps
that table complete.

Each request runs inside a savepoint that is rolled back, so the records are built once
per module and no request changes what the next one sees.
"""

from __future__ import annotations

import ast
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chorus.core.models import AuditEntry
from tests.conftest import sign_in
from tests.core.access_fixtures import (
    ARGS,
    CONTACTS,
    PERSONAL,
    TEAM_A_MARK,
    TEAM_B_MARK,
    World,
    build_world,
)
from tests.core.export_helpers import exported

pytestmark = pytest.mark.django_db

IDENTITIES = ("anonymous", "viewer", "analyst", "other_team", "admin")

# What a request can come to: a status code, or one of these two kinds of redirect.
LOGIN = "login"  # sent to the sign-in page
REDIRECT = "redirect"  # sent anywhere else
Outcome = int | str


@dataclass(frozen=True)
class Expect:
    """What each identity gets from a GET of one URL pattern.

    ``post``: for a view that only takes POST, what each identity gets from a POST with
    no data. ``unaudited``: why the page may show personal data without writing an audit
    entry (empty: it may not). ``public``: a page for the public, where the checks for
    staff pages (other teams' records, contact details, auditing) do not apply.
    """

    anonymous: Outcome
    viewer: Outcome
    analyst: Outcome
    other_team: Outcome
    admin: Outcome
    post: Expect | None = None
    unaudited: str = ""
    public: bool = False  # a page for the public: the staff-page checks do not apply

    def __getitem__(self, identity: str) -> Outcome:
        return getattr(self, identity)  # type: ignore[no-any-return]


# The kinds of page. Records are team A's; the viewer and analyst are in team A.


def everyone(outcome: Outcome = 200, **more: Any) -> Expect:
    """A public page or file: everyone gets the same."""
    return Expect(outcome, outcome, outcome, outcome, outcome, public=True, **more)


def staff(**more: Any) -> Expect:
    """A staff page every role may open (lists hold only the records the user may see)."""
    return Expect(LOGIN, 200, 200, 200, 200, **more)


def team_record(**more: Any) -> Expect:
    """A team A record to read: its team may, another team's officer gets a 404."""
    return Expect(LOGIN, 200, 200, 404, 200, **more)


def team_record_change(**more: Any) -> Expect:
    """A team A record to change: readers get a 403, another team's officer a 404."""
    return Expect(LOGIN, 403, 403, 404, 200, **more)


def editors(**more: Any) -> Expect:
    """A page for administrators and engagement officers of any team."""
    return Expect(LOGIN, 403, 403, 200, 200, **more)


def administrators(**more: Any) -> Expect:
    return Expect(LOGIN, 403, 403, 403, 200, **more)


def post_only(post: Expect, *, sign_in_first: bool = False) -> Expect:
    """A view that takes only POST: a GET is refused (after sign-in, where that comes first)."""
    return Expect(LOGIN if sign_in_first else 405, 405, 405, 405, 405, post=post)


CHANGE_TEAM_RECORD = Expect(LOGIN, 403, 403, 404, REDIRECT)
# The staff API answers a call without a token with a 401, whoever is signed in.
API = Expect(401, 401, 401, 401, 401)
API_POST_ONLY = Expect(405, 405, 405, 405, 405, post=API)
# Taking only PUT: a GET or a POST is refused before the token is asked for.
API_PUT_ONLY = Expect(405, 405, 405, 405, 405, post=Expect(405, 405, 405, 405, 405))
POST_UNAUDITED = "a POST: what it changes is audited by the service that changes it"

EXPECT: dict[str, Expect] = {
    # The project
    "brand_css": everyone(),
    "health": everyone(),
    "favicon": everyone(REDIRECT),
    # APIs and files outside the language prefix
    "feedback_api:feedback": everyone(405, post=everyone(415)),
    "feedback_api:openapi": everyone(),
    "bulletins_tracking:click": everyone(REDIRECT),
    "bulletins_tracking:opened": everyone(),
    "bulletins_tracking:delivery_status": everyone(405, post=everyone(401)),
    "insights_files:catalogue_dcat": everyone(),
    "insights_files:dataset_csv": everyone(),
    "insights_files:dataset_csvw": everyone(),
    "insights_files:dataset_json": everyone(),
    "insights_files:api_datasets": everyone(),
    "insights_files:api_dataset": everyone(),
    "insights_files:api_openapi": everyone(),
    # core
    "core:public_home": everyone(),
    "core:accessibility": everyone(),
    "core:privacy": everyone(),
    "core:staff_home": staff(),
    "core:audit_log": administrators(unaudited="the audit log itself: who saw what"),
    "core:export_list": staff(),
    # An export is its requester's alone (the admin asked for the world's).
    "core:export_status": Expect(LOGIN, 404, 404, 404, 200),
    "core:export_download": Expect(LOGIN, 404, 404, 404, 200),
    "core:site_page_list": administrators(),
    "core:site_page_edit": administrators(),
    "core:custom_field_list": administrators(),
    "core:custom_field_create": administrators(),
    "core:custom_field_edit": administrators(),
    # accounts
    "accounts:sign_in": everyone(),
    "accounts:sign_out": everyone(405, post=everyone(LOGIN)),
    "accounts:verify": Expect(LOGIN, REDIRECT, REDIRECT, REDIRECT, 200),
    "accounts:account": staff(),
    "accounts:totp_setup": staff(),
    "accounts:password_reset": everyone(),
    "accounts:set_password": everyone(404),
    "accounts:user_list": administrators(),
    "accounts:user_create": administrators(),
    "accounts:user_detail": administrators(),
    "accounts:user_edit": administrators(),
    "accounts:user_set_active": post_only(Expect(LOGIN, 403, 403, 403, REDIRECT)),
    "accounts:user_reset_totp": post_only(Expect(LOGIN, 403, 403, 403, REDIRECT)),
    "accounts:team_list": administrators(),
    "accounts:team_create": administrators(),
    "accounts:team_edit": administrators(),
    "accounts:sso_start": everyone(404),  # single sign-on is off in the tests' settings
    "accounts:sso_callback": everyone(404),
    "accounts:sso_group_list": administrators(),
    "accounts:sso_group_create": administrators(),
    "accounts:sso_group_edit": administrators(),
    "accounts:sso_group_delete": post_only(Expect(LOGIN, 403, 403, 403, REDIRECT)),
    # directory
    "directory:person_list": staff(),
    "directory:person_create": editors(),
    "directory:person_detail": team_record(),
    "directory:person_edit": team_record_change(),
    "directory:person_note": post_only(CHANGE_TEAM_RECORD),
    "directory:person_assess": team_record_change(),
    "directory:person_consent": team_record_change(),
    "directory:person_group_add": team_record_change(),
    "directory:stakeholder_map": staff(),
    "directory:panel_list": staff(),
    "directory:panel_detail": staff(),  # panels belong to no team; members are filtered
    "directory:organisation_list": staff(),
    "directory:organisation_create": editors(),
    "directory:organisation_detail": team_record(),
    "directory:organisation_edit": team_record_change(),
    "directory:organisation_note": post_only(CHANGE_TEAM_RECORD),
    "directory:organisation_assess": team_record_change(),
    "directory:duplicate_list": editors(),
    "directory:duplicate_scan": post_only(Expect(LOGIN, 403, 403, REDIRECT, REDIRECT)),
    "directory:duplicate_review": team_record_change(),
    # Without ?keep= (which record stays) the merge step sends the reviewer back to choose.
    "directory:duplicate_merge": Expect(LOGIN, 403, 403, 404, REDIRECT),
    "directory:merge_undo": post_only(CHANGE_TEAM_RECORD),
    "directory:import_list": editors(),
    "directory:import_upload": editors(),
    "directory:import_map": Expect(LOGIN, 403, 403, 404, REDIRECT),  # checked already: on to the check
    "directory:import_check": team_record_change(unaudited="the rows of the user's own upload"),
    "directory:import_progress": team_record_change(),
    "directory:import_retry": post_only(Expect(LOGIN, 403, 403, 404, REDIRECT)),
    "directory:import_rejected": team_record_change(),
    "directory:subject_access_request": post_only(CHANGE_TEAM_RECORD),
    "directory:subject_access_download": team_record_change(),
    "directory:person_erase": administrators(),
    "directory:person_adjustments": team_record_change(),
    "directory:person_adjustments_link": post_only(CHANGE_TEAM_RECORD),
    "directory:saved_search_list": staff(),
    "directory:saved_search_create": editors(),
    "directory:saved_search_detail": team_record(),
    "directory:saved_search_edit": team_record_change(),
    "directory:saved_search_delete": team_record_change(),
    "directory:saved_search_export": team_record(),
    # A person's own adjustments, through the link emailed to them (audited as them).
    "directory_public:adjustments_request": everyone(),
    "directory_public:adjustments_change": everyone(),
    # events: the public journey (a page of its own, or back to its first step while
    # nothing has been typed), the registrant's own pages by their signed link, and staff's
    "events:register_details": everyone(),
    "events:register_questions": everyone(REDIRECT),
    "events:register_check": everyone(REDIRECT),
    "events:register_done": everyone(REDIRECT),
    "events:manage": everyone(),
    "events:manage_change": everyone(REDIRECT),  # the event has passed: back to the registration
    "events:manage_cancel": everyone(REDIRECT),
    "events:registration_settings": team_record_change(),
    "events:registration_list": team_record(),
    "events:registration_decide": post_only(CHANGE_TEAM_RECORD),
    "events:registration_decline": team_record_change(),
    # events: invitations (an invitee's link starts the journey) and the evaluation after the event
    "events:invitations": team_record_change(),
    "events:invited": everyone(REDIRECT),
    "events:evaluation": everyone(),
    # events: check-in at the door and materials (officers and administrators of the team);
    # the files of a public event that has happened, for everyone
    "events:checkin": team_record_change(),
    "events:checkin_by_code": post_only(CHANGE_TEAM_RECORD),
    "events:checkin_walk_in": team_record_change(),
    "events:checkin_mark": post_only(CHANGE_TEAM_RECORD),
    "events:materials": team_record_change(),
    "events:materials_tell": post_only(CHANGE_TEAM_RECORD),
    "events:material_remove": team_record_change(),
    "events:public_materials": everyone(),
    "events:material_download": everyone(),
    # cases: the public forms (the confirmation goes back to the form until one is sent) and
    # the staff pages of team A's complaint
    "cases:contact": everyone(),
    "cases:public_form": everyone(),
    "cases:public_done": everyone(REDIRECT),
    # the satisfaction survey, by the signed link emailed when a case is closed
    "cases:satisfaction": everyone(),
    "cases:case_list": staff(),
    "cases:case_create": editors(),
    "cases:case_dashboard": staff(),
    "cases:case_detail": team_record(),
    "cases:case_assign": team_record_change(),
    "cases:case_fields": team_record_change(),
    # An empty note: the case page again, with the error.
    "cases:case_note": post_only(Expect(LOGIN, 403, 403, 404, 200)),
    "cases:case_reply": team_record_change(),
    "cases:case_escalate": team_record_change(),
    "cases:case_close": team_record_change(),
    # The world's case is open: reopening it sends the editor back to it.
    "cases:case_reopen": CHANGE_TEAM_RECORD,
    "cases:case_attachment": team_record_change(),
    # engagement
    "engagement:activity_list": staff(),
    "engagement:activity_create": editors(),
    "engagement:activity_detail": team_record(),
    # Names with adjustments: not for viewers, who see no one's needs.
    "engagement:activity_briefing": Expect(LOGIN, 403, 200, 404, 200),
    "engagement:activity_briefing_pdf": Expect(LOGIN, 403, 200, 404, 200),
    "engagement:activity_edit": team_record_change(),
    "engagement:attendee_set": post_only(CHANGE_TEAM_RECORD),
    "engagement:attendee_remove": post_only(CHANGE_TEAM_RECORD),
    "engagement:attendance_import": team_record_change(),
    "engagement:attendance_import_review": team_record_change(unaudited="the rows of the user's own upload"),
    "engagement:material_add": post_only(CHANGE_TEAM_RECORD),
    # emails logged to people: read by those who see contact details (not viewers) when they
    # may see every person on it; the queue of those matched to no one is the editors'
    "engagement:email_list": editors(),
    "engagement:email_detail": Expect(LOGIN, 403, 200, 404, 200),
    "engagement:email_attachment": Expect(LOGIN, 403, 200, 404, 200),
    "engagement:email_file": editors(),
    "engagement:email_discard": editors(),
    "engagement:project_list": staff(),
    "engagement:project_create": editors(),
    "engagement:project_detail": team_record(),
    "engagement:project_edit": team_record_change(),
    "engagement:checkpoint_add": post_only(CHANGE_TEAM_RECORD),
    "engagement:checkpoint_list": staff(),
    "engagement:report": staff(),
    "engagement:toolkit": staff(),
    "engagement:toolkit_create": administrators(),
    "engagement:toolkit_item": staff(),
    "engagement:toolkit_edit": administrators(),
    "engagement:toolkit_delete": post_only(Expect(LOGIN, 403, 403, 403, REDIRECT)),
    "engagement:report_csv": staff(),
    "engagement:report_pdf": staff(),
    "engagement:checkpoint_waive": team_record_change(),
    "engagement:checkpoint_reinstate": post_only(CHANGE_TEAM_RECORD),
    "engagement:impact_create": team_record_change(),
    "engagement:impact_edit": team_record_change(),
    "engagement:impact_publish": post_only(CHANGE_TEAM_RECORD),
    "engagement:impact_share": team_record_change(),
    "engagement:impact_update_add": team_record_change(),
    "engagement:impact_participants": team_record_change(),
    "engagement:commitment_list": staff(),
    "engagement:commitment_create": editors(),
    "engagement:commitment_import": editors(),
    # An import is its importer's alone (the admin uploaded this one).
    "engagement:commitment_import_review": team_record_change(unaudited="the rows of the user's own upload"),
    "engagement:commitment_detail": team_record(),
    "engagement:commitment_edit": team_record_change(),
    # An empty update is refused on the commitment's own page, with its errors.
    "engagement:commitment_update_add": post_only(Expect(LOGIN, 403, 403, 404, 200)),
    "engagement:commitment_publish": post_only(CHANGE_TEAM_RECORD),
    # With no link chosen, the editor is sent back to the commitment with the error.
    "engagement:commitment_evidence_remove": post_only(CHANGE_TEAM_RECORD),
    "engagement:public_commitments": everyone(),
    "engagement:public_impact_index": everyone(),
    "engagement:public_impact": everyone(404),  # not published
    "calendar:public_calendar": everyone(),
    "calendar:public_calendar_feed": everyone(),
    "engagement:public_event": everyone(404),  # restricted to a team, so never public
    # consultations: a consultation restricted to a team is never public
    "consultations:consultation_list": staff(),
    "consultations:consultation_create": editors(),
    "consultations:consultation_detail": team_record(),
    "consultations:consultation_edit": team_record_change(),
    "consultations:questions": team_record_change(),
    "consultations:document_add": post_only(CHANGE_TEAM_RECORD),
    "consultations:document_staff_download": team_record(),
    "consultations:document_remove": post_only(CHANGE_TEAM_RECORD),
    "consultations:document_replace": team_record_change(),
    # Administrators only: the GET asks for the reason, the POST deletes the file.
    "consultations:document_file_delete": team_record_change(),
    "consultations:consultation_equality": Expect(LOGIN, 403, 200, 404, 200),
    "consultations:question_delete": post_only(CHANGE_TEAM_RECORD),
    "consultations:question_edit": team_record_change(),
    "consultations:question_move": post_only(CHANGE_TEAM_RECORD),
    "consultations:section_edit": team_record_change(),
    "consultations:section_move": post_only(CHANGE_TEAM_RECORD),
    "consultations:publish": team_record_change(),
    "consultations:preview": team_record(),
    "consultations:preview_page": team_record(),
    "consultations:duplicate": post_only(CHANGE_TEAM_RECORD),
    "consultations:response_list": team_record(),
    "consultations:response_enter": team_record_change(),
    "consultations:response_import": team_record_change(),
    "consultations:response_import_check": team_record_change(unaudited="the rows of the user's own upload"),
    "consultations:response_import_problems": team_record_change(),
    "consultations:response_export": team_record(),
    "consultations:response_detail": team_record(),
    # An empty tag or note: the response's page again, with the error.
    "consultations:response_tag_add": post_only(Expect(LOGIN, 403, 403, 404, 200), sign_in_first=True),
    "consultations:response_tag_remove": post_only(CHANGE_TEAM_RECORD, sign_in_first=True),
    "consultations:response_note_add": post_only(Expect(LOGIN, 403, 403, 404, 200), sign_in_first=True),
    "consultations:summary_report_pdf": team_record(),
    "consultations:moderation_queue": team_record_change(),
    "consultations:moderation_response": team_record_change(),
    "consultations:moderation_redact": post_only(CHANGE_TEAM_RECORD),
    "consultations:help_queue": staff(),
    "consultations:help_update": post_only(CHANGE_TEAM_RECORD),
    "consultations:public_consultation_list": everyone(),
    "consultations:public_consultation": everyone(404),
    "consultations:help_request": everyone(404),
    "consultations:document_download": everyone(404),
    "consultations:public_responses": everyone(404),
    "consultations:public_responses_download": everyone(404),
    "consultations:respond_start": everyone(404),
    "consultations:respond_about": everyone(404),
    "consultations:respond_section": everyone(404),
    "consultations:respond_equality": everyone(404),
    "consultations:respond_check": everyone(404),
    "consultations:respond_done": everyone(404),
    # only for the browser session that sent the response (and this consultation is not public)
    "consultations:respond_answers_pdf": everyone(404),
    "consultations:respond_save": everyone(404),
    "consultations:respond_resume": everyone(404),
    "consultations:public_consultation_impact": everyone(404),
    # equality: the removal link carries the random key of the answers
    "equality:remove": everyone(),
    # feedback: a service's exit survey is public whichever team looks after it
    "feedback:service_list": staff(),
    "feedback:service_create": editors(),
    "feedback:service_detail": team_record(),
    "feedback:service_edit": team_record_change(),
    "feedback:service_equality": Expect(LOGIN, 403, 200, 404, 200),
    "feedback:feedback_export": team_record(),
    "feedback:exit_export": team_record(),
    "feedback:exit_survey": everyone(),
    "feedback:exit_equality": everyone(REDIRECT),  # back to the survey: nothing answered yet
    "feedback:exit_done": everyone(),
    # analysis: analysts change runs; viewers read them but take no exports away
    "analysis:run_list": staff(),
    "analysis:run_start": Expect(LOGIN, 403, 200, 200, 200),
    # the cases dashboard's "Analyse the cases' texts": who may start any analysis
    "analysis:case_run_start": Expect(LOGIN, 403, 200, 200, 200),
    "analysis:source_list": staff(),
    "analysis:source_detail": team_record(),
    "analysis:emerging": team_record(),
    # every signed-in user: each sees only the issues and cases of their own teams
    "analysis:case_emerging": staff(),
    "analysis:run_detail": team_record(),
    "analysis:run_responses": team_record(),
    "analysis:run_changes": team_record(),
    "analysis:run_retry": post_only(Expect(LOGIN, 403, REDIRECT, 404, REDIRECT)),
    "analysis:items_move": post_only(Expect(LOGIN, 403, REDIRECT, 404, REDIRECT)),
    "analysis:theme_create": post_only(Expect(LOGIN, 403, REDIRECT, 404, REDIRECT)),
    "analysis:item_sentiment": post_only(Expect(LOGIN, 403, REDIRECT, 404, REDIRECT)),
    "analysis:theme_detail": team_record(),
    "analysis:theme_rename": post_only(Expect(LOGIN, 403, 200, 404, 200)),  # an empty name: the form again
    "analysis:theme_lock": post_only(Expect(LOGIN, 403, REDIRECT, 404, REDIRECT)),
    "analysis:theme_merge": post_only(Expect(LOGIN, 403, REDIRECT, 404, REDIRECT)),
    "analysis:theme_split": post_only(Expect(LOGIN, 403, REDIRECT, 404, REDIRECT)),
    "analysis:theme_delete": Expect(LOGIN, 403, 200, 404, 200),  # GET asks to confirm
    "analysis:themes_csv": Expect(LOGIN, 403, 200, 404, 200),
    "analysis:assignments_csv": Expect(LOGIN, 403, 200, 404, 200),
    "analysis:report": Expect(LOGIN, 403, 200, 404, 200),
    "analysis:report_pdf": Expect(LOGIN, 403, 200, 404, 200),
    "analysis:report_docx": Expect(LOGIN, 403, 200, 404, 200),
    # the review workflow: analysts and administrators sign off; a quality sample is coded
    # second by another analyst than the one who drew it
    "analysis:review": team_record(),
    "analysis:review_start": post_only(Expect(LOGIN, 403, REDIRECT, 404, REDIRECT)),
    "analysis:review_sign_off": Expect(LOGIN, 403, 200, 404, 200),
    # (until the framework is signed off, back to the review page)
    "analysis:review_signed_off": Expect(LOGIN, REDIRECT, REDIRECT, 404, REDIRECT),
    # (nothing to reopen until it is signed off: back to the review page)
    "analysis:review_reopen": Expect(LOGIN, 403, REDIRECT, 404, REDIRECT),
    "analysis:review_code": post_only(Expect(LOGIN, 403, REDIRECT, 404, REDIRECT)),
    "analysis:sample_new": Expect(LOGIN, 403, 200, 404, 200),
    "analysis:sample_detail": team_record(),
    "analysis:sample_code_next": Expect(LOGIN, 403, REDIRECT, 404, REDIRECT),
    "analysis:sample_code": Expect(LOGIN, 403, 200, 404, 200),
    # (until the second coding is finished, back to the sample's page)
    "analysis:sample_agreement": Expect(LOGIN, REDIRECT, REDIRECT, 404, REDIRECT),
    "analysis:sample_resolve": post_only(Expect(LOGIN, 403, REDIRECT, 404, REDIRECT)),
    # bulletins: the public pages are reached with the subscriber's or delivery's secret
    "bulletins:subscribe": everyone(),
    "bulletins:confirm": everyone(),
    "bulletins:manage": everyone(),
    "bulletins:unsubscribe": everyone(),
    "bulletins:bulletin_list": staff(),
    "bulletins:bulletin_create": editors(),
    "bulletins:bulletin_preview": post_only(staff(), sign_in_first=True),  # renders what it is sent
    "bulletins:subscriber_list": editors(),
    # a subscriber import is seen by who uploaded it (team A's officer) and administrators
    "bulletins:subscriber_import": editors(),
    "bulletins:subscriber_import_check": team_record_change(unaudited="the rows of the user's own upload"),
    "bulletins:subscriber_import_problems": team_record_change(),
    "bulletins:bulletin_detail": team_record(),
    "bulletins:bulletin_edit": team_record_change(),
    # a GET goes back to the bulletin; only the confirmation page's button sends
    "bulletins:bulletin_send": CHANGE_TEAM_RECORD,
    "bulletins:bulletin_test": CHANGE_TEAM_RECORD,
    "bulletins:arm_add": post_only(Expect(LOGIN, 403, 403, 404, 400), sign_in_first=True),
    "bulletins:shareback": team_record_change(),
    # ideas: challenges are public; an idea held for review is not
    "ideas:challenge_list": everyone(),
    "ideas:take_part": everyone(),
    "ideas:participant_confirm": everyone(),  # a page with a button: only its POST confirms
    "ideas:idea_detail": everyone(404),
    "ideas:idea_support": everyone(405, post=everyone(404)),
    "ideas:idea_follow": everyone(405, post=everyone(404)),
    "ideas:idea_comment": everyone(405, post=everyone(404)),
    "ideas:report": everyone(405, post=everyone(404)),
    "ideas:challenge_detail": everyone(),
    "ideas:idea_propose": everyone(REDIRECT),  # to take part first
    "ideas:idea_similar": everyone(),
    "ideas:staff_challenge_list": staff(),
    "ideas:challenge_create": Expect(LOGIN, 404, 404, 200, 200),
    "ideas:moderation": editors(),
    "ideas:staff_idea": team_record(),
    "ideas:staff_challenge": team_record(),
    "ideas:challenge_edit": team_record_change(),
    "ideas:respond_theme": post_only(CHANGE_TEAM_RECORD, sign_in_first=True),
    "ideas:challenge_close": post_only(CHANGE_TEAM_RECORD, sign_in_first=True),
    "ideas:export": team_record(),
    # insights
    "insights:catalogue": everyone(),
    "insights:request_new": everyone(),
    "insights:register": everyone(),
    "insights:dataset_page": everyone(),
    "insights:staff_datasets": staff(),
    "insights:retention": administrators(),
    "insights:inventory": staff(),
    "insights:quality": staff(),
    "insights:equality": Expect(LOGIN, 403, 200, 200, 200),
    "insights:equity": staff(),
    "insights:equity_project": team_record(),
    "insights:population_import": administrators(),
    "insights:services_dashboard": staff(),
    "insights:consultations_dashboard": staff(),
    "insights:board_pack": staff(),
    "insights:board_pack_pdf": staff(),
    "insights:board_pack_docx": staff(),
    "insights:consultation_record": team_record(),
    "insights:consultation_record_pdf": Expect(LOGIN, 403, 200, 404, 200),  # viewers take no files
    "insights:consultation_record_zip": Expect(LOGIN, 403, 200, 404, 200),
    "insights:perception_list": staff(),
    "insights:perception_create": Expect(LOGIN, 403, 200, 200, 200),  # viewers change nothing
    "insights:perception": team_record(),
    "insights:perception_edit": Expect(LOGIN, 403, 200, 404, 200),  # analysts track perception too
    "insights:request_list": staff(),
    "insights:request_detail": staff(),  # requests from outside researchers belong to no team
    "insights:staff_dataset": Expect(LOGIN, 403, 200, 200, 200),
    # The staff API (chorus.api): a token, never a session, so every identity here gets a 401;
    # tests/api checks what tokens get. Its OpenAPI document and reference page are public.
    "api_v1:openapi-json": everyone(),
    "api_v1:openapi-view": everyone(),
    "api_v1:api-root": everyone(404),
    "api_v1:people_list": API,
    "api_v1:person_create": API,
    "api_v1:person_read": API,
    "api_v1:person_update": API,
    "api_v1:person_consent": API_POST_ONLY,
    "api_v1:person_group_add": API_POST_ONLY,
    "api_v1:person_membership_add": API_POST_ONLY,
    "api_v1:person_adjustments": API,
    "api_v1:organisations_list": API,
    "api_v1:organisation_create": API,
    "api_v1:organisation_read": API,
    "api_v1:organisation_update": API,
    "api_v1:activities_list": API,
    "api_v1:activity_create": API,
    "api_v1:activity_read": API,
    "api_v1:activity_update": API,
    "api_v1:attendance_list": API,
    "api_v1:attendance_put": API_PUT_ONLY,
    "api_v1:consultations_list": API,
    "api_v1:consultation_create": API,
    "api_v1:consultation_read": API,
    "api_v1:consultation_change": API,
    "api_v1:responses_list": API,
    "api_v1:response_create": API,
    "api_v1:response_read": API,
    "api_v1:services_list": API,
    "api_v1:service_create": API,
    "api_v1:service_read": API,
    "api_v1:service_change": API,
    "api_v1:service_feedback": API,
    "api_v1:service_exit_survey": API,
    "api_v1:runs_list": API,
    "api_v1:run_start": API,
    "api_v1:run_read": API,
    "api_v1:run_assignments": API,
    "api_v1:subscribers_list": API,
    "api_v1:subscriber_create": API,
    "api_v1:subscriber_read": API,
    "api_v1:subscriber_update": API,
    "api_v1:challenges_list": API,
    "api_v1:ideas_list": API,
    "api_v1:idea_read": API,
    "api_v1:idea_respond": API_POST_ONLY,
    "api_v1:commitments_list": API,
    "api_v1:commitment_create": API,
    "api_v1:commitment_read": API,
    "api_v1:commitment_change": API,
    "api_v1:commitment_progress": API_POST_ONLY,
    "api_v1:cases_list": API,
    "api_v1:case_read": API,
    "api_v1:topics": API,
    "api_v1:regions": API,
    "api_v1:subscriber_lists": API,
    "api_v1:teams": API,
    "api_v1:projects": API,
    "api:token_list": administrators(),
    "api:token_create": administrators(),
    "api:token_revoke": post_only(Expect(LOGIN, 403, 403, 403, REDIRECT)),
    "webhooks:endpoint_list": administrators(),
    "webhooks:endpoint_create": administrators(),
    "webhooks:endpoint_detail": administrators(),
    "webhooks:endpoint_edit": administrators(),
    "webhooks:endpoint_test": post_only(Expect(LOGIN, 403, 403, 403, REDIRECT)),
    "webhooks:endpoint_active": post_only(Expect(LOGIN, 403, 403, 403, REDIRECT)),
    "webhooks:delivery_replay": post_only(Expect(LOGIN, 403, 403, 403, REDIRECT)),
}


@dataclass(frozen=True)
class Download:
    """A file or API endpoint: who may have it, and whether it holds personal data (then
    every fetch of it must write an audit entry). ``arguments`` choose the file where the
    URL, not the query, does (``responses.xlsx``)."""

    pattern: str
    query: str = ""
    may: frozenset[str] = frozenset()
    personal: bool = False
    arguments: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        chosen = ",".join(f"{k}={v}" for k, v in self.arguments)
        return self.pattern + (f"[{chosen}]" if chosen else "") + (f"?{self.query}" if self.query else "")


EVERYONE = frozenset(IDENTITIES)
ALL_STAFF = frozenset({"viewer", "analyst", "other_team", "admin"})
TEAM_A_READERS = frozenset({"viewer", "analyst", "admin"})
TEAM_A_EXPORTERS = frozenset({"analyst", "admin"})
TEAM_A_EDITORS = frozenset({"admin"})  # the only editor of team A among the identities
NOT_VIEWERS = frozenset({"analyst", "other_team", "admin"})

DOWNLOADS: list[Download] = [
    Download("core:audit_log", "format=csv", frozenset({"admin"}), personal=True),
    Download("core:export_download", may=frozenset({"admin"}), personal=True),
    Download("directory:person_list", "format=csv", ALL_STAFF, personal=True),
    Download("directory:person_list", "format=xlsx", ALL_STAFF, personal=True),
    Download("directory:organisation_list", "format=csv", ALL_STAFF),
    Download("directory:organisation_list", "format=xlsx", ALL_STAFF),
    Download("engagement:activity_list", "format=csv", ALL_STAFF),
    Download("engagement:activity_list", "format=xlsx", ALL_STAFF),
    Download("directory:stakeholder_map", "format=csv", ALL_STAFF, personal=True),
    Download("directory:stakeholder_map", "format=svg", ALL_STAFF, personal=True),
    Download("directory:saved_search_export", may=TEAM_A_READERS, personal=True),
    Download(
        "directory:saved_search_export",
        may=TEAM_A_READERS,
        personal=True,
        arguments=(("file_format", "xlsx"),),
    ),
    Download("directory:import_rejected", may=TEAM_A_EDITORS, personal=True),
    Download("directory:subject_access_download", may=TEAM_A_EDITORS, personal=True),
    Download("engagement:impact_participants", may=TEAM_A_EDITORS, personal=True),
    Download("engagement:report_csv", may=ALL_STAFF),
    Download("engagement:activity_briefing_pdf", may=TEAM_A_EXPORTERS, personal=True),
    Download("engagement:report_pdf", may=ALL_STAFF),
    Download("calendar:public_calendar_feed", may=EVERYONE),
    Download("consultations:response_export", may=TEAM_A_READERS, personal=True),
    Download(
        "consultations:response_export",
        may=TEAM_A_READERS,
        personal=True,
        arguments=(("file_format", "xlsx"),),
    ),
    Download("consultations:response_import_problems", may=TEAM_A_EDITORS, personal=True),
    Download("bulletins:subscriber_import_problems", may=TEAM_A_EDITORS, personal=True),
    Download("consultations:document_staff_download", may=TEAM_A_READERS),
    Download("consultations:summary_report_pdf", may=TEAM_A_READERS),
    Download("consultations:document_download"),  # the consultation is not public
    Download("events:material_download", may=EVERYONE),  # a public event's file, after it
    Download("consultations:public_responses_download"),  # nor are its responses
    Download("consultations:respond_answers_pdf"),  # only for the session that sent the response
    Download("feedback:feedback_export", may=TEAM_A_READERS, personal=True),
    Download("feedback:exit_export", may=TEAM_A_READERS, personal=True),
    Download("analysis:themes_csv", may=TEAM_A_EXPORTERS, personal=True),
    Download("analysis:assignments_csv", may=TEAM_A_EXPORTERS, personal=True),
    Download("analysis:report", "download=1", TEAM_A_EXPORTERS, personal=True),
    Download("analysis:report_pdf", may=TEAM_A_EXPORTERS, personal=True),
    Download("analysis:report_docx", may=TEAM_A_EXPORTERS, personal=True),
    Download("ideas:export", may=TEAM_A_READERS, personal=True),
    Download("ideas:export", may=TEAM_A_READERS, personal=True, arguments=(("what", "comments"),)),
    Download("ideas:export", may=TEAM_A_READERS, personal=True, arguments=(("what", "supports"),)),
    Download("insights:quality", "download=people_without_region", NOT_VIEWERS, personal=True),
    Download("insights:services_dashboard", "format=csv", ALL_STAFF),
    Download("insights:board_pack_pdf", may=ALL_STAFF),
    Download("insights:board_pack_docx", may=ALL_STAFF),
    Download("insights:consultations_dashboard", "format=csv&consultation={consultation}", TEAM_A_READERS),
    Download("insights:perception", "format=csv", TEAM_A_READERS),
    Download("insights:consultation_record_pdf", may=TEAM_A_EXPORTERS, personal=True),
    Download("insights:consultation_record_zip", may=TEAM_A_EXPORTERS, personal=True),
    Download("insights_files:dataset_csv", may=EVERYONE),
    Download("insights_files:dataset_csvw", may=EVERYONE),
    Download("insights_files:dataset_json", may=EVERYONE),
    Download("insights_files:catalogue_dcat", may=EVERYONE),
    Download("insights_files:api_datasets", may=EVERYONE),
    Download("insights_files:api_dataset", may=EVERYONE),
    Download("insights_files:api_openapi", may=EVERYONE),
    Download("feedback_api:openapi", may=EVERYONE),
    Download("api_v1:openapi-json", may=EVERYONE),
    Download("cases:case_attachment", may=TEAM_A_EDITORS, personal=True),
    Download("engagement:email_attachment", may=TEAM_A_EXPORTERS, personal=True),
    Download("cases:case_dashboard", "format=csv", ALL_STAFF),
]

# Every function in chorus/ that builds a file or JSON response, and the DOWNLOADS entries
# (or the reason there are none) that cover it. A new one fails
# test_every_download_in_the_code_is_in_the_table until it is added here and to DOWNLOADS.
DOWNLOAD_CODE: dict[str, str] = {
    "chorus.core.views.audit_log": "core:audit_log",
    "chorus.core.export_views.export_download": "core:export_download",
    "chorus.directory.views.people_export": "directory:person_list (and directory:saved_search_export)",
    "chorus.directory.views._organisations_export": "directory:organisation_list",
    "chorus.engagement.views._activities_export": "engagement:activity_list",
    "chorus.directory.views.stakeholder_map": "directory:stakeholder_map",
    "chorus.directory.import_views.import_rejected": "directory:import_rejected",
    "chorus.directory.rights_views.subject_access_download": "directory:subject_access_download",
    "chorus.engagement.impact_views.impact_participants_csv": "engagement:impact_participants",
    "chorus.engagement.report_views.report_csv": "engagement:report_csv",
    "chorus.engagement.report_views.report_pdf": "engagement:report_pdf",
    "chorus.engagement.briefing_views.activity_briefing_pdf": "engagement:activity_briefing_pdf",
    "chorus.public_calendar.views.public_calendar_feed": "calendar:public_calendar_feed",
    "chorus.consultations.responses.response_export": "consultations:response_export",
    "chorus.consultations.import_views.response_import_problems": "consultations:response_import_problems",
    "chorus.consultations.documents._file": "consultations:document_download",
    "chorus.events.materials_views.material_download": "events:material_download",
    "chorus.cases.views.case_attachment": "cases:case_attachment",
    "chorus.engagement.email_views.email_attachment": "engagement:email_attachment",
    "chorus.cases.dashboard_views.case_dashboard_page": "cases:case_dashboard",
    "chorus.consultations.views.public_responses_download": "consultations:public_responses_download",
    "chorus.consultations.answers_copy.respond_answers_pdf": "consultations:respond_answers_pdf",
    "chorus.consultations.summary_report.summary_report_pdf": "consultations:summary_report_pdf",
    "chorus.feedback.views.service_export": "feedback:feedback_export",
    "chorus.feedback.api._json": "feedback_api:feedback (its answers; the feedback tests post to it)",
    "chorus.feedback.api.openapi": "feedback_api:openapi",
    "chorus.analysis.exports._ask": "analysis:themes_csv (and analysis:assignments_csv)",
    "chorus.analysis.exports.report_html": "analysis:report",
    "chorus.analysis.exports.report_pdf": "analysis:report_pdf",
    "chorus.analysis.exports.report_docx": "analysis:report_docx",
    "chorus.ideas.views.staff.challenge_export": "ideas:export",
    "chorus.bulletins.views.delivery_status": "bulletins_tracking:delivery_status (mail service POSTs)",
    "chorus.bulletins.import_views.subscriber_import_problems": "bulletins:subscriber_import_problems",
    "chorus.insights.governance_views.quality": "insights:quality",
    "chorus.insights.dashboards.services_dashboard": "insights:services_dashboard",
    "chorus.insights.dashboards.consultations_dashboard": "insights:consultations_dashboard",
    "chorus.insights.board_pack_views._download": "insights:board_pack_pdf (and insights:board_pack_docx)",
    "chorus.insights.perception_views.series_detail": "insights:perception",
    "chorus.insights.record_views.record_pdf": "insights:consultation_record_pdf",
    "chorus.insights.record_views.record_zip": "insights:consultation_record_zip",
    "chorus.insights.views.dataset_csv": "insights_files:dataset_csv",
    "chorus.insights.views.dataset_csvw": "insights_files:dataset_csvw",
    "chorus.insights.views.dataset_json": "insights_files:dataset_json",
    "chorus.insights.views.catalogue_dcat": "insights_files:catalogue_dcat",
    "chorus.insights.views._limited": "insights_files:api_datasets (its rate limit answer)",
    "chorus.insights.views.api_datasets": "insights_files:api_datasets",
    "chorus.insights.views.api_dataset": "insights_files:api_dataset",
    "chorus.insights.views.api_openapi": "insights_files:api_openapi",
    "chorus.core.views.api_error": "any unknown address under /api/ (an API's 404 and 405, in JSON, no data)",
}
DOWNLOAD_MARKERS = (
    "export_start(",  # an export, written by a task and served by core:export_download
    "export_requested(",  # the same, audited, from a page's download link
    "csv_response(",
    "xlsx_response(",
    "Content-Disposition",
    "FileResponse(",
    "JsonResponse(",
    "attachment(",
)


# Walking the URL configuration


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or "namespace:<route>" when the pattern has no name
    named: bool
    route: str
    arguments: tuple[str, ...]
    callback: Any = field(compare=False, repr=False)


def _patterns(
    resolver: URLResolver | None = None, namespace: str = "", prefix: str = ""
) -> Iterator[Pattern]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from _patterns(entry, inner, route)
        elif isinstance(entry, URLPattern):
            arguments = tuple(getattr(entry.pattern, "converters", {})) or tuple(
                entry.pattern.regex.groupindex
            )
            label = entry.name or f"<{route}>"
            yield Pattern(
                f"{namespace}:{label}".strip(":"), bool(entry.name), route, arguments, entry.callback
            )


def _is_django_admin(pattern: Pattern) -> bool:
    return pattern.name.startswith("admin:")


def _url(world: World, name: str, arguments: dict[str, Any] | None = None, query: str = "") -> str:
    kwargs = ARGS[name](world) if name in ARGS else {}
    kwargs.update(arguments or {})
    url = reverse(name, kwargs=kwargs)
    if query:
        url += "?" + query.format(consultation=world.consultation.code)
    return url


# Requesting


@dataclass
class Fetched:
    outcome: Outcome
    text: str
    audited: int  # audit entries the request wrote
    is_file: bool
    error: str = ""


def _text(response: HttpResponseBase) -> str:
    """What the response shows, as text: an Excel file's cells, a ZIP file's members (a Word
    file's XML among them)."""
    # No response.close() here: the test client has closed it (or closes it when its stream
    # ends) with Django's close_old_connections held off; closing it again would send
    # request_finished and close the test's connection inside its transaction (PostgreSQL).
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    if response.get("Content-Type", "").startswith(XLSX_TYPE):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join(str(cell) for cell in row if cell is not None)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace")


def _outcome(response: HttpResponseBase) -> Outcome:
    if response.status_code in (301, 302, 303, 307, 308):
        path = urlsplit(response["Location"]).path
        return LOGIN if path in (reverse("accounts:sign_in"), reverse("admin:login")) else REDIRECT
    return response.status_code


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
FILE_TYPES = (
    "text/csv",
    "text/calendar",
    "application/json",
    "application/ld+json",
    "application/csvm+json",
    "application/vnd.openxmlformats",
    "application/zip",
    "application/pdf",
)


def _is_file(response: HttpResponseBase) -> bool:
    """A download or an API answer, as opposed to a page."""
    return response.status_code == 200 and (
        "attachment" in response.get("Content-Disposition", "")
        or response.get("Content-Type", "").startswith(FILE_TYPES)
    )


def _fetch(client: Client, url: str, *, post: bool = False) -> Fetched:
    """Request ``url`` inside a savepoint that is then rolled back."""
    with transaction.atomic():
        before = AuditEntry.objects.count()
        # An export's link leads through the page that prepares it to the file.
        response = client.post(url, {}) if post else exported(client, url)
        error = ""
        if response.status_code >= 500:
            exc_info = getattr(response, "exc_info", None)
            error = repr(exc_info[1]) if exc_info else "(no exception)"
        text = _text(response)
        audited = AuditEntry.objects.count() - before
        transaction.set_rollback(True)
    return Fetched(_outcome(response), text, audited, _is_file(response), error)


def _client(world: World, identity: str) -> Client:
    client = Client(raise_request_exception=False)
    if identity != "anonymous":
        sign_in(client, getattr(world, identity))
    return client


def _still_signed_in(client: Client, world: World, identity: str) -> Client:
    """The client, signed in again if the request signed it out."""
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if identity != "anonymous" and (cookie is None or not cookie.value):
        return _client(world, identity)
    return client


def _leaks(label: str, identity: str, fetched: Fetched, *, public: bool, unaudited: str = "") -> list[str]:
    """The faults a response shows whatever the page: each one a line of the failure."""
    problems = []
    if fetched.outcome == 500:
        problems.append(f"{label}: 500 for {identity}: {fetched.error}")
    text, squashed = fetched.text, fetched.text.replace(" ", "")
    if not public and identity == "other_team" and TEAM_A_MARK.lower() in text.lower():
        problems.append(
            f"{label}: team B's officer sees a record restricted to team A{_near(text, TEAM_A_MARK)}"
        )
    if not public and identity in ("viewer", "analyst") and TEAM_B_MARK.lower() in text.lower():
        problems.append(
            f"{label}: the {identity} of team A sees a record restricted to team B{_near(text, TEAM_B_MARK)}"
        )
    if not public and identity == "viewer":
        for contact in CONTACTS:
            if contact in squashed:
                problems.append(f"{label}: the viewer sees contact details ({contact})")
    if (
        identity != "anonymous"
        and not public
        and fetched.outcome == 200
        and not fetched.audited
        and not unaudited
        and (any(name in text for name in PERSONAL) or any(contact in squashed for contact in CONTACTS))
    ):
        shown = next((n for n in (*PERSONAL, *CONTACTS) if n in text or n in squashed), "")
        problems.append(f"{label}: shows personal data ({shown}) to the {identity} without an audit entry")
    return problems


def _near(text: str, word: str) -> str:
    at = text.lower().find(word.lower())
    return ": …" + " ".join(text[max(0, at - 80) : at + len(word) + 20].split()) + "…"


# The records, built once for the module


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


# The tests


def test_every_url_pattern_has_an_expectation() -> None:
    patterns = [p for p in _patterns() if not _is_django_admin(p)]
    unnamed = [p.route for p in patterns if not p.named]
    assert not unnamed, f"Give these URL patterns a name, so the access matrix can reach them: {unnamed}"
    names = {p.name for p in patterns}
    missing = sorted(names - EXPECT.keys())
    assert not missing, (
        "Add what each identity should get from these URL patterns to EXPECT in "
        f"tests/core/test_url_access_matrix.py: {missing}"
    )
    gone = sorted(EXPECT.keys() - names)
    assert not gone, f"EXPECT names URL patterns that no longer exist; remove them: {gone}"
    no_arguments = sorted(p.name for p in patterns if p.arguments and p.name not in ARGS)
    assert not no_arguments, (
        f"Say how to fill these patterns' arguments in ARGS in tests/core/access_fixtures.py: {no_arguments}"
    )
    posts = [name for name, expect in EXPECT.items() if expect.post is None and expect.viewer == 405]
    assert not posts, f"Say what a POST to these POST-only patterns gets (Expect(post=...)): {posts}"


@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_url_as_every_identity(world: World, identity: str) -> None:
    client = _client(world, identity)
    downloads = {d.pattern for d in DOWNLOADS if not d.query}
    problems: list[str] = []
    for pattern in _patterns():
        if _is_django_admin(pattern):
            continue
        expect = EXPECT[pattern.name]
        url = _url(world, pattern.name)
        fetched = _fetch(client, url)
        client = _still_signed_in(client, world, identity)
        label = f"GET {pattern.name} ({url})"
        if fetched.outcome != expect[identity] and fetched.outcome != 500:
            problems.append(f"{label}: expected {expect[identity]} for {identity}, got {fetched.outcome}")
        problems += _leaks(label, identity, fetched, public=expect.public, unaudited=expect.unaudited)
        if fetched.is_file and pattern.name not in downloads:
            problems.append(f"{label}: a file or JSON; add it to DOWNLOADS, saying who may have it")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_post_only_url_refuses_whom_it_should(world: World, identity: str) -> None:
    client = _client(world, identity)
    problems: list[str] = []
    for name, expect in EXPECT.items():
        if expect.post is None:
            continue
        url = _url(world, name)
        fetched = _fetch(client, url, post=True)
        client = _still_signed_in(client, world, identity)
        label = f"POST {name} ({url})"
        if fetched.outcome != expect.post[identity] and fetched.outcome != 500:
            problems.append(
                f"{label}: expected {expect.post[identity]} for {identity}, got {fetched.outcome}"
            )
        problems += _leaks(label, identity, fetched, public=expect.public, unaudited=POST_UNAUDITED)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("download", DOWNLOADS, ids=lambda d: d.label)
def test_every_download_goes_only_to_whom_it_should(world: World, download: Download) -> None:
    url = _url(world, download.pattern, dict(download.arguments), download.query)
    problems: list[str] = []
    for identity in IDENTITIES:
        fetched = _fetch(_client(world, identity), url)
        label = f"{download.label} ({url})"
        if identity in download.may:
            if fetched.outcome != 200 or not fetched.is_file:
                problems.append(f"{label}: {identity} should get the file, got {fetched.outcome}")
            elif download.personal and not fetched.audited:
                problems.append(f"{label}: {identity} took personal data away and no audit entry was written")
        elif fetched.is_file:
            problems.append(f"{label}: {identity} should be refused, got the file")
        problems += _leaks(label, identity, fetched, public=not (download.may <= ALL_STAFF))
    assert not problems, "\n".join(problems)


def test_every_download_in_the_code_is_in_the_table() -> None:
    root = Path(__file__).resolve().parents[2] / "chorus"
    found = set()
    for path in sorted(root.rglob("*.py")):
        if path.name in ("downloads.py", "exports.py") and path.parent.name == "core":
            continue  # the helpers themselves
        source = path.read_text()
        if not any(marker in source for marker in DOWNLOAD_MARKERS):
            continue
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef):
                body = ast.get_source_segment(source, node) or ""
                if any(marker in body for marker in DOWNLOAD_MARKERS):
                    found.add(f"{module}.{node.name}")
    missing = sorted(found - DOWNLOAD_CODE.keys())
    assert not missing, (
        "These functions build files or JSON: add their URLs to DOWNLOADS (who may have them, "
        f"whether they hold personal data) and the functions to DOWNLOAD_CODE: {missing}"
    )
    assert not DOWNLOAD_CODE.keys() - found, (
        f"DOWNLOAD_CODE names functions that are gone: {sorted(DOWNLOAD_CODE.keys() - found)}"
    )
    tabled = {d.pattern for d in DOWNLOADS}
    for function, pattern in DOWNLOAD_CODE.items():
        if " " not in pattern:
            assert pattern in tabled, f"{function} serves {pattern}, which is not in DOWNLOADS"


# Django's admin site: one rule for all of it, since every page there is for administrators.


CATCH_ALL = "admin:<anything else>"


def _admin_urls(world: World) -> Iterator[tuple[str, str, bool]]:
    """(pattern, URL, whether the record it names exists) for every pattern of Django's
    admin site, arguments filled from the first record of the pattern's model."""
    models = {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}
    for pattern in _patterns():
        if not _is_django_admin(pattern):
            continue
        short = pattern.name.removeprefix("admin:")
        model = next((m for prefix, m in models.items() if short.startswith(prefix + "_")), None)
        if model is None:
            model = next(
                (
                    m
                    for m in models.values()
                    if f"/{m._meta.app_label}/{m._meta.model_name}/" in pattern.route
                ),
                None,
            )
        first = model._default_manager.order_by("pk").first() if model is not None else None
        values = {
            "object_id": first.pk if first is not None else 0,
            "pk": first.pk if first is not None else 0,
            "app_label": "directory",
            "content_type_id": 0,
        }
        if pattern.named:
            url = reverse(pattern.name, kwargs={a: values[a] for a in pattern.arguments})
            yield pattern.name, url, first is not None or "object_id" not in pattern.arguments
        elif "object_id" in pattern.arguments:
            yield (
                pattern.name,
                "/" + pattern.route.replace("<path:object_id>", str(values["object_id"])),
                False,
            )
        else:
            yield CATCH_ALL, "/django-admin/no-such-page/", False


# What administrators get where it is not the page itself. Elsewhere: the page (200), or,
# for a record that does not exist or the bare address of one, a redirect.
ADMIN_SITE_OUTCOMES: dict[str, Outcome] = {
    "admin:login": LOGIN,  # Chorus's own sign-in page
    "admin:logout": 405,  # only by POST
    "admin:view_on_site": 404,
    "admin:autocomplete": 403,  # asked without saying for which field
    # No one reads another user's two-factor secret (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    "admin:otp_totp_totpdevice_config": 403,
    "admin:otp_totp_totpdevice_qrcode": 403,
    CATCH_ALL: 404,
    # Records that only Chorus itself writes: never added, or deleted, by hand.
    "admin:core_auditentry_add": 403,
    "admin:core_auditentry_delete": 403,
    "admin:axes_accessattempt_add": 403,
    "admin:axes_accesslog_add": 403,
    "admin:axes_accessfailurelog_add": 403,
    "admin:directory_region_add": 403,
    "admin:directory_region_delete": 403,
    "admin:django_tasks_database_dbtaskresult_add": 403,
    "admin:django_tasks_database_dbtaskresult_delete": 403,
}


@pytest.mark.parametrize("identity", IDENTITIES)
def test_django_admin_is_for_administrators_only(world: World, identity: str) -> None:
    client = _client(world, identity)
    problems = []
    for name, url, exists in _admin_urls(world):
        fetched = _fetch(client, url)
        if identity != "admin":
            # Signing out of the admin site (by POST only) sends anyone else to its front page.
            wanted: Outcome = REDIRECT if name == "admin:logout" else LOGIN
        else:
            wanted = ADMIN_SITE_OUTCOMES.get(name, 200 if exists else REDIRECT)
        if fetched.outcome != wanted:
            problems.append(
                f"GET {name} ({url}): expected {wanted} for {identity}, got {fetched.outcome} {fetched.error}"
            )
    assert not problems, "\n".join(problems)


# Faults the matrix found that an empty POST cannot show, each with its own test.


def test_a_viewer_may_read_a_data_access_request_but_not_review_it(world: World) -> None:
    from chorus.insights.models import PanelReview

    url = _url(world, "insights:request_detail")
    viewer = _client(world, "viewer")
    page = viewer.get(url).content.decode()
    assert world.data_request.name in page and "Record my recommendation" not in page
    review = {"what": "review", "recommendation": "approve", "comments": "Looks fine."}
    assert viewer.post(url, review).status_code == 403
    assert not PanelReview.objects.exists()
    assert _client(world, "analyst").post(url, review).status_code == 302
    assert PanelReview.objects.get().reviewer == world.analyst


# Cross-site request forgery: every form needs the token, and only these views do without.

# Views called by other machines or by mail clients, which hold no session to forge with.
CSRF_EXEMPT = {
    "feedback_api:feedback": "the feedback API: JSON from listed origins, no cookies",
    "bulletins_tracking:delivery_status": "the mail service's callback, with a bearer token",
    "bulletins:unsubscribe": "mail clients' one-click unsubscribe (RFC 8058), by the subscriber's secret",
    "api_v1:people_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:person_create": "the staff API: a bearer token in a header, no cookies",
    "api_v1:person_read": "the staff API: a bearer token in a header, no cookies",
    "api_v1:person_update": "the staff API: a bearer token in a header, no cookies",
    "api_v1:person_consent": "the staff API: a bearer token in a header, no cookies",
    "api_v1:person_group_add": "the staff API: a bearer token in a header, no cookies",
    "api_v1:person_membership_add": "the staff API: a bearer token in a header, no cookies",
    "api_v1:person_adjustments": "the staff API: a bearer token in a header, no cookies",
    "api_v1:organisations_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:organisation_create": "the staff API: a bearer token in a header, no cookies",
    "api_v1:organisation_read": "the staff API: a bearer token in a header, no cookies",
    "api_v1:organisation_update": "the staff API: a bearer token in a header, no cookies",
    "api_v1:activities_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:activity_create": "the staff API: a bearer token in a header, no cookies",
    "api_v1:activity_read": "the staff API: a bearer token in a header, no cookies",
    "api_v1:activity_update": "the staff API: a bearer token in a header, no cookies",
    "api_v1:attendance_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:attendance_put": "the staff API: a bearer token in a header, no cookies",
    "api_v1:consultations_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:consultation_read": "the staff API: a bearer token in a header, no cookies",
    "api_v1:responses_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:response_read": "the staff API: a bearer token in a header, no cookies",
    "api_v1:services_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:service_feedback": "the staff API: a bearer token in a header, no cookies",
    "api_v1:service_exit_survey": "the staff API: a bearer token in a header, no cookies",
    "api_v1:runs_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:run_read": "the staff API: a bearer token in a header, no cookies",
    "api_v1:run_assignments": "the staff API: a bearer token in a header, no cookies",
    "api_v1:subscribers_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:subscriber_read": "the staff API: a bearer token in a header, no cookies",
    "api_v1:challenges_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:ideas_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:idea_read": "the staff API: a bearer token in a header, no cookies",
    "api_v1:idea_respond": "the staff API: a bearer token in a header, no cookies",
    "api_v1:commitments_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:commitment_create": "the staff API: a bearer token in a header, no cookies",
    "api_v1:commitment_read": "the staff API: a bearer token in a header, no cookies",
    "api_v1:commitment_change": "the staff API: a bearer token in a header, no cookies",
    "api_v1:commitment_progress": "the staff API: a bearer token in a header, no cookies",
    "api_v1:consultation_create": "the staff API: a bearer token in a header, no cookies",
    "api_v1:consultation_change": "the staff API: a bearer token in a header, no cookies",
    "api_v1:response_create": "the staff API: a bearer token in a header, no cookies",
    "api_v1:run_start": "the staff API: a bearer token in a header, no cookies",
    "api_v1:subscriber_create": "the staff API: a bearer token in a header, no cookies",
    "api_v1:subscriber_update": "the staff API: a bearer token in a header, no cookies",
    "api_v1:cases_list": "the staff API: a bearer token in a header, no cookies",
    "api_v1:case_read": "the staff API: a bearer token in a header, no cookies",
    "api_v1:topics": "the staff API: a bearer token in a header, no cookies",
    "api_v1:regions": "the staff API: a bearer token in a header, no cookies",
    "api_v1:subscriber_lists": "the staff API: a bearer token in a header, no cookies",
    "api_v1:teams": "the staff API: a bearer token in a header, no cookies",
    "api_v1:projects": "the staff API: a bearer token in a header, no cookies",
    "api_v1:service_create": "the staff API: a bearer token in a header, no cookies",
    "api_v1:service_read": "the staff API: a bearer token in a header, no cookies",
    "api_v1:service_change": "the staff API: a bearer token in a header, no cookies",
}


def test_only_the_listed_views_do_without_the_csrf_token() -> None:
    exempt = {
        p.name for p in _patterns() if not _is_django_admin(p) and getattr(p.callback, "csrf_exempt", False)
    }
    assert exempt == CSRF_EXEMPT.keys(), (
        f"Views that skip the CSRF check changed: {sorted(exempt ^ CSRF_EXEMPT.keys())}. "
        "A view for people in a browser must keep it; say why in CSRF_EXEMPT otherwise."
    )


def test_a_staff_form_sent_without_the_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    sign_in(client, world.admin)
    url = _url(world, "directory:person_note")
    assert _fetch(client, url, post=True).outcome == 403
