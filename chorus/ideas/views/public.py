"""Public pages of idea challenges: taking part, proposing, supporting, commenting, reporting."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.core.i18n import current_welsh_or_english
from chorus.core.ratelimit import HONEYPOT, client_address, hit, slow_down
from chorus.ideas import services
from chorus.ideas.forms import (
    CommentForm,
    EmailForm,
    IdeaForm,
)
from chorus.ideas.models import Challenge, Comment, Idea, Moderation, Participant

logger = logging.getLogger(__name__)
SESSION_KEY = "ideas_participant"
SALT = "chorus.ideas.propose"
PER = timedelta(hours=1)
MOST_IDEAS_PER_EMAIL = 5
MOST_COMMENTS_PER_EMAIL = 30


def _slow_down(request: HttpRequest) -> HttpResponse:
    return slow_down(
        request,
        heading=_("Too many attempts"),
        paragraphs=[_("You have posted a lot in a short time. Wait an hour and try again.")],
    )


def _participant(request: HttpRequest) -> Participant | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return Participant.objects.filter(pk=pk, confirmed_at__isnull=False).first()


def _address(request: HttpRequest) -> str:
    return client_address(request)


def challenge_list(request: HttpRequest) -> HttpResponse:
    challenges = [
        c
        for c in Challenge.objects.prefetch_related("topics", "regions")
        if c.status() != Challenge.Status.UPCOMING
    ]
    return render(
        request,
        "ideas/challenge_list.html",
        {"challenges": challenges, "language": current_welsh_or_english()},
    )


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
            "language": current_welsh_or_english(),
            "participant": _participant(request),
        },
    )


@require_http_methods(["GET", "POST"])
def take_part(request: HttpRequest) -> HttpResponse:
    next_path = request.GET.get("next") or request.POST.get("next") or reverse("ideas:challenge_list")
    if not url_has_allowed_host_and_scheme(next_path, allowed_hosts=None):
        next_path = reverse("ideas:challenge_list")
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if request.POST.get(HONEYPOT):
            return render(request, "ideas/check_email.html", {"email": email})
        if hit(
            "ideas-link",
            _address(request),
            limit=settings.CHORUS_RESPOND_MOST_PER_ADDRESS,
            per=timedelta(minutes=10),
        ):
            return _slow_down(request)
        services.participant_link_send(email=email, next_path=next_path, language=current_welsh_or_english())
        return render(request, "ideas/check_email.html", {"email": email})
    return render(request, "ideas/take_part.html", {"form": form, "next": next_path, "honeypot": HONEYPOT})


@require_http_methods(["GET", "POST"])
def participant_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link opens a page with a button; only pressing it (a POST) confirms the
    address and signs the person in, so a mail scanner following the link does neither."""
    next_path = request.GET.get("next") or request.POST.get("next") or reverse("ideas:challenge_list")
    if not url_has_allowed_host_and_scheme(next_path, allowed_hosts=None):
        next_path = reverse("ideas:challenge_list")
    if request.method == "GET":
        if not services.participant_exists(token):
            return render(request, "ideas/link_expired.html", status=404)
        return render(request, "ideas/confirm.html", {"next": next_path})
    participant = services.participant_confirm(token)
    if participant is None:
        return render(request, "ideas/link_expired.html", status=404)
    request.session[SESSION_KEY] = participant.pk
    messages.success(request, _("Your email address is confirmed. You can now take part."))
    return redirect(next_path)


def _needs_participant(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("ideas:take_part") + f"?next={request.path}")


def _too_quick(request: HttpRequest) -> bool:
    """Whether the form came back sooner after it was given out than a person could fill it in."""
    try:
        started = float(signing.loads(request.POST.get("started", ""), salt=SALT, max_age=86400))
    except (signing.BadSignature, TypeError, ValueError):
        started = 0.0
    return time.time() - started < settings.CHORUS_RESPOND_LEAST_SECONDS


@require_http_methods(["GET", "POST"])
def idea_propose(request: HttpRequest, code: UUID) -> HttpResponse:
    challenge = get_object_or_404(Challenge, code=code)
    if challenge.status() != Challenge.Status.OPEN:
        return render(
            request,
            "ideas/closed.html",
            {"challenge": challenge, "language": current_welsh_or_english()},
            status=410,
        )
    participant = _participant(request)
    if participant is None:
        return _needs_participant(request)
    form = IdeaForm(request.POST or None, initial={"name": participant.name})
    # Anti-spam checks come after the form's own: a person who left something out sees
    # only what to fix, never a message meant for robots.
    if request.method == "POST" and form.is_valid():
        if request.POST.get(HONEYPOT):
            logger.warning("Idea for %s rejected: honeypot", challenge.code)
            return redirect("ideas:challenge_detail", code=challenge.code)
        if _too_quick(request):
            form.add_error(None, _("That was very quick. Check your idea, then send it again."))
        elif hit(
            "ideas-propose", _address(request), limit=settings.CHORUS_RESPOND_MOST_PER_ADDRESS, per=PER
        ) or hit("ideas-propose-email", participant.email, limit=MOST_IDEAS_PER_EMAIL, per=PER):
            return _slow_down(request)
        else:
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
            "language": current_welsh_or_english(),
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
            "language": current_welsh_or_english(),
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
        return _slow_down(request)
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
        return _slow_down(request)
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
