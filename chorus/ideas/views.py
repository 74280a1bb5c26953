"""Public pages of idea challenges, and the staff pages that run them."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from itertools import chain
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.accounts.models import Role
from chorus.accounts.selectors import teams_assignable_by
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    role_required,
    staff_required,
    staff_user,
    visible_to,
)
from chorus.core.audit import audit_record
from chorus.core.downloads import csv_response, xlsx_response
from chorus.core.models import AuditAction
from chorus.core.ratelimit import HONEYPOT, client_address, hit
from chorus.ideas import services
from chorus.ideas.forms import (
    ChallengeForm,
    CloseForm,
    CommentForm,
    EmailForm,
    IdeaForm,
    MergeForm,
    ModerateForm,
    RespondForm,
)
from chorus.ideas.models import Challenge, Comment, Idea, Moderation, Participant

logger = logging.getLogger(__name__)
SESSION_KEY = "ideas_participant"
SALT = "chorus.ideas.propose"
PER = timedelta(hours=1)
MOST_IDEAS_PER_EMAIL = 5
MOST_COMMENTS_PER_EMAIL = 30


def _language() -> str:
    return "cy" if (get_language() or "en").startswith("cy") else "en"


def _participant(request: HttpRequest) -> Participant | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return Participant.objects.filter(pk=pk, confirmed_at__isnull=False).first()


def _address(request: HttpRequest) -> str:
    return client_address(request)


# Public ---------------------------------------------------------------------------------


def challenge_list(request: HttpRequest) -> HttpResponse:
    challenges = [
        c
        for c in Challenge.objects.prefetch_related("topics", "regions")
        if c.status() != Challenge.Status.UPCOMING
    ]
    return render(request, "ideas/challenge_list.html", {"challenges": challenges, "language": _language()})


def challenge_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    challenge = get_object_or_404(Challenge, code=code)
    if challenge.status() == Challenge.Status.UPCOMING:
        raise Http404
    sort = request.GET.get("sort", "support")
    ideas = Idea.objects.filter(
        challenge=challenge, moderation=Moderation.PUBLISHED, merged_into__isnull=True
    )
    ideas = (
        ideas.order_by("-support_count", "-created_at") if sort != "new" else ideas.order_by("-created_at")
    )
    page = Paginator(ideas.select_related("participant"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "ideas/challenge_detail.html",
        {
            "challenge": challenge,
            "page": page,
            "sort": sort,
            "language": _language(),
            "participant": _participant(request),
        },
    )


@require_http_methods(["GET", "POST"])
def take_part(request: HttpRequest) -> HttpResponse:
    next_path = request.GET.get("next") or request.POST.get("next") or reverse("ideas:challenge_list")
    if not url_has_allowed_host_and_scheme(next_path, allowed_hosts=None):
        next_path = reverse("ideas:challenge_list")
    form = EmailForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return render(request, "ideas/check_email.html", {"email": request.POST.get("email", "")})
        if hit(
            "ideas-link",
            _address(request),
            limit=settings.CHORUS_RESPOND_MOST_PER_ADDRESS,
            per=timedelta(minutes=10),
        ):
            return render(request, "ideas/slow_down.html", status=429)
        if form.is_valid():
            services.participant_link_send(
                email=form.cleaned_data["email"], next_path=next_path, language=_language()
            )
            return render(request, "ideas/check_email.html", {"email": form.cleaned_data["email"]})
    return render(request, "ideas/take_part.html", {"form": form, "next": next_path, "honeypot": HONEYPOT})


def participant_confirm(request: HttpRequest, token: str) -> HttpResponse:
    participant = services.participant_confirm(token)
    if participant is None:
        return render(request, "ideas/link_expired.html", status=404)
    request.session[SESSION_KEY] = participant.pk
    next_path = request.GET.get("next") or reverse("ideas:challenge_list")
    if not url_has_allowed_host_and_scheme(next_path, allowed_hosts=None):
        next_path = reverse("ideas:challenge_list")
    messages.success(request, _("Your email address is confirmed. You can now take part."))
    return redirect(next_path)


def _needs_participant(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("ideas:take_part") + f"?next={request.path}")


@require_http_methods(["GET", "POST"])
def idea_propose(request: HttpRequest, code: UUID) -> HttpResponse:
    challenge = get_object_or_404(Challenge, code=code)
    if challenge.status() != Challenge.Status.OPEN:
        return render(
            request, "ideas/closed.html", {"challenge": challenge, "language": _language()}, status=410
        )
    participant = _participant(request)
    if participant is None:
        return _needs_participant(request)
    form = IdeaForm(request.POST or None, initial={"name": participant.name})
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            logger.warning("Idea for %s rejected: honeypot", challenge.code)
            return redirect("ideas:challenge_detail", code=challenge.code)
        try:
            started = float(signing.loads(request.POST.get("started", ""), salt=SALT, max_age=86400))
        except (signing.BadSignature, TypeError, ValueError):
            started = 0.0
        if time.time() - started < settings.CHORUS_RESPOND_LEAST_SECONDS:
            form.add_error(None, _("That was very quick. Check your idea, then send it again."))
        elif hit(
            "ideas-propose", _address(request), limit=settings.CHORUS_RESPOND_MOST_PER_ADDRESS, per=PER
        ) or hit("ideas-propose-email", participant.email, limit=MOST_IDEAS_PER_EMAIL, per=PER):
            return render(request, "ideas/slow_down.html", status=429)
        elif form.is_valid():
            if form.cleaned_data["name"] != participant.name:
                participant.name = form.cleaned_data["name"]
                participant.save(update_fields=["name", "updated_at"])
            idea = services.idea_propose(
                challenge=challenge,
                participant=participant,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                place=form.cleaned_data["place"],
            )
            if idea.moderation == Moderation.HELD:
                messages.info(
                    request,
                    _(
                        "Thank you. A moderator will check your idea before it appears, "
                        "usually within a working day."
                    ),
                )
            else:
                messages.success(request, _("Your idea is published."))
            return redirect("ideas:idea_detail", code=idea.code)
    started_token = signing.dumps(str(time.time()), salt=SALT)
    return render(
        request,
        "ideas/propose.html",
        {
            "challenge": challenge,
            "form": form,
            "started": started_token,
            "honeypot": HONEYPOT,
            "language": _language(),
        },
    )


def idea_similar(request: HttpRequest, code: UUID) -> HttpResponse:
    """As people type a title: ideas already proposed that read alike (htmx)."""
    challenge = get_object_or_404(Challenge, code=code)
    text = f"{request.GET.get('title', '')} {request.GET.get('body', '')[:300]}"
    return render(request, "ideas/_similar.html", {"similar": services.similar(challenge, text)})


def _idea_for_public(request: HttpRequest, code: UUID) -> Idea:
    idea = get_object_or_404(Idea.objects.select_related("challenge", "participant", "impact"), code=code)
    participant = _participant(request)
    if idea.moderation != Moderation.PUBLISHED and (
        participant is None or participant.pk != idea.participant_id
    ):
        raise Http404
    return idea


def idea_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    found = get_object_or_404(Idea, code=code)
    if found.merged_into_id:
        return redirect("ideas:idea_detail", code=found.merged_into.code)  # type: ignore[union-attr]
    idea = _idea_for_public(request, code)
    participant = _participant(request)
    visible = Q(moderation=Moderation.PUBLISHED)
    if participant is not None:
        visible |= Q(participant=participant, moderation=Moderation.HELD)
    comments = (
        idea.comments.filter(visible, parent__isnull=True)
        .select_related("participant")
        .prefetch_related(
            Prefetch("replies", queryset=Comment.objects.filter(visible).select_related("participant"))
        )
    )
    return render(
        request,
        "ideas/idea_detail.html",
        {
            "idea": idea,
            "challenge": idea.challenge,
            "comments": comments,
            "form": CommentForm(),
            "participant": participant,
            "supported": participant is not None and idea.supports.filter(participant=participant).exists(),
            "following": participant is not None and idea.follows.filter(participant=participant).exists(),
            "language": _language(),
            "open": idea.challenge.status() == Challenge.Status.OPEN,
        },
    )


@require_POST
def idea_support(request: HttpRequest, code: UUID) -> HttpResponse:
    idea = _idea_for_public(request, code)
    participant = _participant(request)
    if participant is None:
        return _needs_participant(request)
    try:
        added = services.support_add(idea=idea, participant=participant)
    except services.ClosedError as error:
        messages.error(request, str(error))
    else:
        if added:
            messages.success(request, _("You support this idea."))
        else:
            messages.info(request, _("You already support this idea. Each person can support an idea once."))
    return redirect("ideas:idea_detail", code=idea.code)


@require_POST
def idea_follow(request: HttpRequest, code: UUID) -> HttpResponse:
    idea = _idea_for_public(request, code)
    participant = _participant(request)
    if participant is None:
        return _needs_participant(request)
    services.follow_add(idea=idea, participant=participant)
    messages.success(request, _("We will email you when this idea gets an official response."))
    return redirect("ideas:idea_detail", code=idea.code)


@require_POST
def idea_comment(request: HttpRequest, code: UUID) -> HttpResponse:
    idea = _idea_for_public(request, code)
    participant = _participant(request)
    if participant is None:
        return _needs_participant(request)
    form = CommentForm(request.POST)
    if request.POST.get(HONEYPOT):
        return redirect("ideas:idea_detail", code=idea.code)
    if hit("ideas-comment-email", participant.email, limit=MOST_COMMENTS_PER_EMAIL, per=PER):
        return render(request, "ideas/slow_down.html", status=429)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(
                pk=form.cleaned_data["parent"], idea=idea, moderation=Moderation.PUBLISHED
            ).first()
            if parent is None:
                form.add_error(
                    "body", _("The comment you replied to is no longer shown. Add your comment on its own.")
                )
        if not form.errors:
            try:
                comment = services.comment_add(
                    idea=idea, participant=participant, body=form.cleaned_data["body"], parent=parent
                )
            except services.ClosedError as error:
                messages.error(request, str(error))
            else:
                if comment.moderation == Moderation.HELD:
                    messages.info(
                        request, _("Thank you. A moderator will check your comment before it appears.")
                    )
                else:
                    messages.success(request, _("Your comment is published."))
            return redirect(reverse("ideas:idea_detail", args=[idea.code]) + "#comments")
    request.method = "GET"
    response = idea_detail(request, code)
    response.status_code = 400
    messages.error(request, str(form.errors.get("body", [_("Enter your comment")])[0]))
    return response


@require_POST
def report(request: HttpRequest, code: UUID) -> HttpResponse:
    idea = _idea_for_public(request, code)
    if hit("ideas-report", _address(request), limit=30, per=PER):
        return render(request, "ideas/slow_down.html", status=429)
    comment_id = request.POST.get("comment")
    if comment_id:
        comment = Comment.objects.filter(pk=comment_id, idea=idea).first()
        if comment is None:
            raise Http404
        services.report(comment=comment)
    else:
        services.report(idea=idea)
    messages.success(request, _("Thank you. A moderator will look at it."))
    return redirect("ideas:idea_detail", code=idea.code)


# Staff ----------------------------------------------------------------------------------


def _teams(request: HttpRequest) -> Any:
    return teams_assignable_by(staff_user(request))


@staff_required
def staff_challenge_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    challenges = list(visible_to(user, Challenge.objects.all()))
    found = services.counts_for(challenges)
    return render(
        request,
        "ideas/staff_challenge_list.html",
        {
            "challenges": [(c, found[c.pk]) for c in challenges],
            "can_add": can_change(user, Challenge()),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    user = staff_user(request)
    challenge = get_for_change(request, Challenge.objects.all(), code=code) if code else Challenge()
    if not code and not can_change(user, challenge):
        raise Http404
    form = ChallengeForm(request.POST or None, instance=challenge, teams=_teams(request))
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit_record(actor=user, action=AuditAction.CHANGE if code else AuditAction.CREATE, obj=saved)
        return redirect("ideas:staff_challenge", code=saved.code)
    return render(request, "ideas/challenge_form.html", {"form": form, "challenge": challenge})


@staff_required
def staff_challenge(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    challenge = get_for_view(request, Challenge.objects.all(), code=code)
    groups: list[services.ThemeGroup] = []
    pairs: list[tuple[Idea, Idea, float]] = []
    if request.GET.get("themes"):
        groups, pairs = services.themes(challenge)
    ideas = Idea.objects.filter(challenge=challenge, merged_into__isnull=True).order_by("-support_count")
    page = Paginator(ideas, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ideas/staff_challenge.html",
        {
            "challenge": challenge,
            "counts": services.counts(challenge),
            "page": page,
            "groups": groups,
            "pairs": pairs,
            "themed": bool(request.GET.get("themes")),
            "can_change": can_change(user, challenge),
            "respond_form": RespondForm(),
            "close_form": CloseForm(
                initial={"summary": challenge.summary, "summary_cy": challenge.summary_cy}
            ),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def staff_idea(request: HttpRequest, code: UUID) -> HttpResponse:
    idea = get_for_view(request, Idea.objects.select_related("challenge", "participant"), code=code)
    user = staff_user(request)
    respond_form = RespondForm(
        request.POST or None,
        initial={"status": idea.status if idea.status != "open" else None, "response": idea.response},
    )
    merge_form = MergeForm(request.POST or None, idea=idea)
    if request.method == "POST":
        if not can_change(user, idea.challenge):
            return HttpResponse(status=403)
        if request.POST.get("what") == "respond" and respond_form.is_valid():
            services.respond(
                ideas=[idea],
                status=respond_form.cleaned_data["status"],
                response=respond_form.cleaned_data["response"],
                impact=respond_form.cleaned_data["impact"],
                actor=user,
            )
            messages.success(request, _("Response published; followers are being emailed."))
            return redirect("ideas:staff_idea", code=idea.code)
        if request.POST.get("what") == "merge" and merge_form.is_valid():
            target = merge_form.cleaned_data["into"]
            services.merge(source=idea, target=target, actor=user)
            messages.success(request, _("Merged. Supports, comments and followers moved."))
            return redirect("ideas:staff_idea", code=target.code)
    return render(
        request,
        "ideas/staff_idea.html",
        {
            "idea": idea,
            "respond_form": respond_form
            if request.POST.get("what") == "respond"
            else RespondForm(initial={"response": idea.response}),
            "merge_form": merge_form if request.POST.get("what") == "merge" else MergeForm(idea=idea),
            "similar": services.similar(idea.challenge, f"{idea.title} {idea.body[:300]}", exclude=idea.pk),
            "decisions": idea.decisions.select_related("actor")[:20],
            "can_change": can_change(user, idea.challenge),
        },
    )


@staff_required
@require_POST
def respond_theme(request: HttpRequest, code: UUID) -> HttpResponse:
    """One response to all the ideas of a theme."""
    challenge = get_for_change(request, Challenge.objects.all(), code=code)
    form = RespondForm(request.POST)
    ids = request.POST.getlist("ideas")
    ideas = list(Idea.objects.filter(challenge=challenge, pk__in=[i for i in ids if i.isdigit()]))
    if not ideas:
        form.add_error(None, _("Choose the ideas to respond to."))
    if ideas and form.is_valid():
        services.respond(
            ideas=ideas,
            status=form.cleaned_data["status"],
            response=form.cleaned_data["response"],
            impact=form.cleaned_data["impact"],
            actor=staff_user(request),
        )
        messages.success(request, _("Response published to %(count)s ideas.") % {"count": len(ideas)})
        return redirect("ideas:staff_challenge", code=challenge.code)
    for error in form.non_field_errors() + [e for errors in form.errors.values() for e in errors]:
        messages.error(request, str(error))
    return redirect(reverse("ideas:staff_challenge", args=[challenge.code]) + "?themes=1")


@staff_required
@require_POST
def challenge_close(request: HttpRequest, code: UUID) -> HttpResponse:
    challenge = get_for_change(request, Challenge.objects.all(), code=code)
    form = CloseForm(request.POST)
    if form.is_valid():
        services.challenge_close(
            challenge=challenge,
            summary=form.cleaned_data["summary"],
            summary_cy=form.cleaned_data["summary_cy"],
            actor=staff_user(request),
        )
        messages.success(request, _("The challenge is closed and its summary published."))
    else:
        messages.error(request, _("Write the closing summary"))
    return redirect("ideas:staff_challenge", code=challenge.code)


@staff_required
@role_required(Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)
@require_http_methods(["GET", "POST"])
def moderation_queue(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = ModerateForm(request.POST or None)
    if request.method == "POST":
        kind, pk = request.POST.get("kind"), request.POST.get("pk", "")
        target: Idea | Comment | None
        if kind == "idea":
            target = visible_to(user, Idea.objects.all()).filter(pk=pk if pk.isdigit() else 0).first()
        else:
            target = visible_to(user, Comment.objects.all()).filter(pk=pk if pk.isdigit() else 0).first()
        if target is None:
            raise Http404
        if form.is_valid():
            services.moderate(
                target=target,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                actor=user,
            )
            messages.success(request, _("Decision recorded."))
            return redirect(request.get_full_path())
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    waiting = Q(moderation=Moderation.HELD) | Q(moderation=Moderation.PUBLISHED, reports__gt=0)
    ideas = visible_to(user, Idea.objects.filter(waiting)).select_related("challenge").order_by("created_at")
    comments = visible_to(user, Comment.objects.filter(waiting)).select_related("idea").order_by("created_at")
    what = request.GET.get("what", "ideas")
    page = Paginator(ideas if what == "ideas" else comments, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "ideas/moderation.html",
        {
            "page": page,
            "what": what,
            "form": ModerateForm(),
            "idea_count": ideas.count(),
            "comment_count": comments.count(),
        },
    )


@staff_required
def challenge_export(request: HttpRequest, code: UUID, what: str) -> HttpResponseBase:
    challenge = get_for_view(request, Challenge.objects.all(), code=code)
    audit_record(
        actor=staff_user(request),
        action=AuditAction.EXPORT,
        obj=challenge,
        detail={"what": what},
        request=request,
    )
    if what == "ideas":
        header = [
            "idea",
            "title",
            "description",
            "place",
            "status",
            "moderation",
            "supports",
            "theme",
            "response",
            "created",
            "merged into",
        ]
        rows = (
            [
                str(i.code),
                i.title,
                i.body,
                i.place.name if i.place else "",
                i.status,
                i.moderation,
                i.support_count,
                i.theme,
                i.response,
                i.created_at.isoformat(),
                str(i.merged_into.code) if i.merged_into else "",
            ]
            for i in Idea.objects.filter(challenge=challenge)
            .select_related("place", "merged_into")
            .iterator()
        )
    elif what == "comments":
        header = ["idea", "comment", "reply to", "text", "moderation", "created"]
        rows = (
            [str(c.idea.code), c.pk, c.parent_id or "", c.body, c.moderation, c.created_at.isoformat()]
            for c in Comment.objects.filter(idea__challenge=challenge).select_related("idea").iterator()
        )
    elif what == "supports":
        from chorus.ideas.models import Support

        header = ["idea", "supported at"]
        rows = (
            [str(s.idea.code), s.created_at.isoformat()]
            for s in Support.objects.filter(idea__challenge=challenge).select_related("idea").iterator()
        )
    else:
        raise Http404
    name = f"challenge-{challenge.code}-{what}"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(chain([header], rows), f"{name}.xlsx", name)
    return csv_response(chain([header], rows), f"{name}.csv")
