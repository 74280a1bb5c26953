"""Staff pages that run idea challenges: editing, themes, responses, moderation, exports."""

from __future__ import annotations

from itertools import chain
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.accounts.models import Role
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    role_required,
    staff_required,
    staff_user,
    teams_assignable_by,
    visible_to,
)
from chorus.core.audit import audit_record
from chorus.core.downloads import csv_response, xlsx_response
from chorus.core.models import AuditAction
from chorus.ideas import services
from chorus.ideas.forms import (
    ChallengeForm,
    CloseForm,
    MergeForm,
    ModerateForm,
    RespondForm,
)
from chorus.ideas.models import Challenge, Comment, Idea, Moderation


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
        saved = services.challenge_save(form=form, actor=user)
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


def _moderation_errors(form: ModerateForm, pk: int) -> list[dict[str, str]]:
    """The error summary for one post's decision, each error linking to its field there."""
    anchors = {"action": f"#hide-{pk}", "reason": f"#reason-{pk}"}
    return [
        {"href": anchors[name], "message": str(message)}
        for name in form.fields
        for message in form.errors.get(name, [])
    ]


@staff_required
@role_required(Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)
@require_http_methods(["GET", "POST"])
def moderation_queue(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = ModerateForm(request.POST or None)
    failed: dict[str, Any] | None = None
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
        # Shown on the post it is about, with the error summary pointing there.
        failed = {"kind": kind, "pk": target.pk, "form": form, "summary": _moderation_errors(form, target.pk)}
    waiting = Q(moderation=Moderation.HELD) | Q(moderation=Moderation.PUBLISHED, reports__gt=0)
    ideas = visible_to(user, Idea.objects.filter(waiting)).select_related("challenge").order_by("created_at")
    comments = visible_to(user, Comment.objects.filter(waiting)).select_related("idea").order_by("created_at")
    what = request.GET.get("what", "ideas")
    if failed is not None and failed["kind"] != ("idea" if what == "ideas" else "comment"):
        failed["pk"] = None  # a post of the other list, which this page does not show
    page = Paginator(ideas if what == "ideas" else comments, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "ideas/moderation.html",
        {
            "page": page,
            "what": what,
            "form": ModerateForm(),
            "failed": failed,
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
