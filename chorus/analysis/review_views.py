"""Staff pages for reviewing a run's themes as a framework (stages, sign-off, reopening,
coding every response to it) and for checking its coding with a second analyst."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chorus.analysis.models import AnalysisRun, QualitySample, ReviewStage, SampleEntry, Theme
from chorus.analysis.services import review
from chorus.core.access import can_change, get_for_change, get_for_view, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why does the framework need to change?"),
        help_text=gettext_lazy("Everyone who reviews the analysis can see this, with your name."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": gettext_lazy("Enter why the framework needs to change."),
            "max_length": gettext_lazy("Keep the reason to 1,000 characters or fewer."),
        },
    )


class SampleForm(forms.Form):
    size = forms.IntegerField(
        label=gettext_lazy("How many responses to sample"),
        error_messages={
            "required": gettext_lazy("Enter how many responses to sample."),
            "invalid": gettext_lazy("Enter the sample size as a whole number, like 50."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, most: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.most = most
        self.fields["size"].help_text = _(
            "Between 1 and %(most)s, the number of responses there are. 50 suits most analyses."
        ) % {"most": most}

    def clean_size(self) -> int:
        size: int = self.cleaned_data["size"]
        if size < 1 or size > self.most:
            raise forms.ValidationError(
                _("Enter a sample size between 1 and %(most)s, the number of responses there are.")
                % {"most": self.most}
            )
        return size


class CodingForm(forms.Form):
    themes = forms.MultipleChoiceField(required=False)
    none = forms.BooleanField(required=False)

    def __init__(self, *args: Any, themes: list[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(str(t.pk), t.label) for t in themes]  # type: ignore[attr-defined]
        self.fields["themes"].error_messages["invalid_choice"] = _("Choose themes from the list.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen, none = data.get("themes") or [], data.get("none")
        if "themes" in self.errors:
            return data
        if not chosen and not none:
            self.add_error(
                "themes", _("Select the themes this response belongs to, or select “None of these themes”.")
            )
        elif chosen and none:
            self.add_error("themes", _("Select themes or “None of these themes”, not both."))
        return data


class ResolveForm(forms.Form):
    accept = forms.ChoiceField(
        choices=SampleEntry.Resolution.choices,
        error_messages={
            "required": gettext_lazy("Choose which coding to accept."),
            "invalid_choice": gettext_lazy("Choose which coding to accept."),
        },
    )


def _run(request: HttpRequest, code: UUID) -> AnalysisRun:
    return get_for_view(request, AnalysisRun.objects.select_related("signed_off_by"), code=code)


def _run_for_sign_off(request: HttpRequest, code: UUID) -> AnalysisRun:
    run = _run(request, code)
    if not review.can_sign_off(staff_user(request), run):
        raise PermissionDenied
    return run


def _sample(request: HttpRequest, code: UUID, *, change: bool = False) -> QualitySample:
    samples = QualitySample.objects.select_related("run", "drawn_by", "second_coder")
    if change:
        return get_for_change(request, samples, code=code)
    return get_for_view(request, samples, code=code)


def _status(text: str, colour: str = "", *, cannot: bool = False) -> dict[str, Any]:
    return {"text": text, "colour": colour, "cannot": cannot}


def _tasks(
    run: AnalysisRun,
    latest_coded: AnalysisRun | None,
    sample: QualitySample | None,
    *,
    may_change: bool,
    may_sign_off: bool,
) -> list[dict[str, Any]]:
    """The stages as a GOV.UK task list: a task links only where this user may act on it."""
    signed_off = run.is_signed_off
    done = _status(_("Completed"))
    not_started = _status(_("Not yet started"), "blue")
    cannot = _status(_("Cannot start yet"), cannot=True)
    in_progress = _status(_("In progress"), "light-blue")
    run_url = reverse("analysis:run_detail", args=[run.code])
    tasks = [
        {
            "name": _("Find the themes"),
            "url": run_url,
            "status": done if run.status == "done" else in_progress,
        },
        {
            "name": _("Review the themes with the theme tools"),
            "url": run_url,
            "hint": _("Rename, merge, split, delete and create themes, and move responses."),
            "status": done
            if signed_off
            else in_progress
            if run.review_stage == ReviewStage.IN_REVIEW
            else not_started,
        },
        {
            "name": _("Sign off the framework"),
            "url": reverse("analysis:review_sign_off", args=[run.code])
            if may_sign_off and not signed_off and run.status == "done"
            else "",
            "hint": _("A lead (an analyst or an administrator) checks the themes and signs them off."),
            "status": done if signed_off else not_started,
        },
    ]
    if latest_coded is None:
        coded_status, coded_url = (not_started if signed_off else cannot), ""
    else:
        coded_url = reverse("analysis:run_detail", args=[latest_coded.code])
        coded_status = done if latest_coded.status == "done" else in_progress
    tasks.append(
        {
            "name": _("Code every response to the signed-off framework"),
            "url": coded_url,
            "hint": _("A new analysis codes each response to the signed-off themes."),
            "status": coded_status,
        }
    )
    if sample is None:
        check_status = not_started
        check_url = (
            reverse("analysis:sample_new", args=[run.code]) if may_change and run.status == "done" else ""
        )
    else:
        check_url = reverse("analysis:sample_detail", args=[sample.code])
        check_status = done if sample.finished_at else in_progress
    tasks.append(
        {
            "name": _("Check the coding with a second analyst"),
            "url": check_url,
            "hint": _("A second analyst codes a random sample without seeing the first coding."),
            "status": check_status,
        }
    )
    return tasks


def _next_step(run: AnalysisRun, latest_coded: AnalysisRun | None) -> str:
    if run.status != AnalysisRun.Status.DONE:
        return _("Wait for the analysis to finish.")
    if run.review_stage == ReviewStage.FOUND:
        return _("Start the review, then use the theme tools to make the themes right.")
    if run.review_stage == ReviewStage.IN_REVIEW:
        return _("When the themes are right, a lead signs them off as the framework.")
    if latest_coded is None:
        return _(
            "Code every response to the signed-off framework, then check the coding with a second analyst."
        )
    return _("Check the coding with a second analyst, and resolve where the two codings disagree.")


@staff_required
def review_overview(request: HttpRequest, code: UUID) -> HttpResponse:
    run = _run(request, code)
    user = staff_user(request)
    latest_coded = run.coded_runs.order_by("-created_at").first()
    samples = list(run.samples.select_related("drawn_by", "second_coder"))
    return render(
        request,
        "analysis/review_overview.html",
        {
            "run": run,
            "tasks": _tasks(
                run,
                latest_coded,
                samples[0] if samples else None,
                may_change=can_change(user, run),
                may_sign_off=review.can_sign_off(user, run),
            ),
            "next_step": _next_step(run, latest_coded),
            "events": run.review_events.select_related("actor")[:50],
            "samples": samples,
            "coded_runs": run.coded_runs.order_by("-created_at"),
            "can_change": can_change(user, run),
            "can_sign_off": review.can_sign_off(user, run),
            "coding_running": latest_coded is not None and latest_coded.is_active,
        },
    )


def _refuse(request: HttpRequest, error: ValidationError, to: str) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect(to)


@require_POST
@staff_required
def review_start(request: HttpRequest, code: UUID) -> HttpResponse:
    run = get_for_change(request, AnalysisRun.objects.all(), code=code)
    try:
        review.review_start(run=run, actor=staff_user(request))
    except ValidationError as error:
        return _refuse(request, error, reverse("analysis:review", args=[run.code]))
    messages.success(request, _("The review has started. Use the theme tools on the analysis page."))
    return redirect("analysis:review", code=run.code)


@staff_required
def review_sign_off(request: HttpRequest, code: UUID) -> HttpResponse:
    run = _run_for_sign_off(request, code)
    if run.is_signed_off:
        return redirect("analysis:review", code=run.code)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        try:
            review.framework_sign_off(run=run, actor=staff_user(request))
        except ValidationError as error:
            errors = [{"href": "", "message": m} for m in error.messages]
        else:
            return redirect("analysis:review_signed_off", code=run.code)
    themes = run.themes.filter(level=Theme.Level.FINE).order_by("-size", "label")
    problems = (
        review.framework_problems(run)
        if run.status == AnalysisRun.Status.DONE
        else [_("The analysis has not finished yet.")]
    )
    return render(
        request,
        "analysis/review_sign_off.html",
        {"run": run, "themes": themes, "errors": errors, "problems": problems},
    )


@staff_required
def review_signed_off(request: HttpRequest, code: UUID) -> HttpResponse:
    run = _run(request, code)
    if not run.is_signed_off:
        return redirect("analysis:review", code=run.code)
    return render(request, "analysis/review_signed_off.html", {"run": run})


@staff_required
def review_reopen(request: HttpRequest, code: UUID) -> HttpResponse:
    run = _run_for_sign_off(request, code)
    if not run.is_signed_off:
        messages.error(request, _("The framework is not signed off, so there is nothing to reopen."))
        return redirect("analysis:review", code=run.code)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            review.framework_reopen(run=run, actor=staff_user(request), reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(request, _("The framework is open for changes again."))
            return redirect("analysis:review", code=run.code)
    return render(request, "analysis/review_reopen.html", {"run": run, "form": form})


@require_POST
@staff_required
def review_code(request: HttpRequest, code: UUID) -> HttpResponse:
    run = get_for_change(request, AnalysisRun.objects.all(), code=code)
    try:
        coded = review.framework_code(run=run, actor=staff_user(request))
    except ValidationError as error:
        return _refuse(request, error, reverse("analysis:review", args=[run.code]))
    messages.success(request, _("Every response is being coded to the signed-off framework."))
    return redirect("analysis:run_detail", code=coded.code)


# Quality assurance


@staff_required
def sample_new(request: HttpRequest, code: UUID) -> HttpResponse:
    run = get_for_change(request, AnalysisRun.objects.all(), code=code)
    if run.status != AnalysisRun.Status.DONE:
        messages.error(request, _("The analysis has not finished yet."))
        return redirect("analysis:run_detail", code=run.code)
    most = review.sample_most(run)
    if most == 0:
        messages.error(request, _("This analysis has no responses to sample."))
        return redirect("analysis:review", code=run.code)
    form = SampleForm(
        request.POST if request.method == "POST" else None,
        most=most,
        initial={"size": min(review.DEFAULT_SAMPLE, most)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            sample = review.sample_draw(run=run, actor=staff_user(request), size=form.cleaned_data["size"])
        except ValidationError as error:
            form.add_error("size", error)
        else:
            messages.success(request, _("Sample drawn. Ask another analyst to code it."))
            return redirect("analysis:sample_detail", code=sample.code)
    return render(
        request,
        "analysis/review_sample_new.html",
        {"run": run, "form": form},
    )


@staff_required
def sample_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    sample = _sample(request, code)
    user = staff_user(request)
    coded = sample.entries.filter(second__isnull=False).count()
    may_change = can_change(user, sample)
    return render(
        request,
        "analysis/review_sample.html",
        {
            "sample": sample,
            "run": sample.run,
            "coded": coded,
            "refusal": review.second_coder_refusal(sample, user) if may_change else "",
            "can_change": may_change,
            "started": coded > 0,
        },
    )


def _coder_sample(request: HttpRequest, code: UUID) -> QualitySample | HttpResponse:
    sample = _sample(request, code, change=True)
    if review.second_coder_refusal(sample, staff_user(request)):
        # The sample's page says why, where the coding would have started.
        return redirect("analysis:sample_detail", code=sample.code)
    if sample.finished_at:
        messages.error(request, _("The second coding of this sample is finished."))
        return redirect("analysis:sample_detail", code=sample.code)
    return sample


@staff_required
def sample_code_next(request: HttpRequest, code: UUID) -> HttpResponse:
    found = _coder_sample(request, code)
    if isinstance(found, HttpResponse):
        return found
    entry = found.entries.filter(second__isnull=True).first()
    if entry is None:
        return redirect("analysis:sample_detail", code=found.code)
    return redirect("analysis:sample_code", code=found.code, position=entry.position)


@staff_required
def sample_code(request: HttpRequest, code: UUID, position: int) -> HttpResponse:
    found = _coder_sample(request, code)
    if isinstance(found, HttpResponse):
        return found
    sample = found
    entry = sample.entries.select_related("item").filter(position=position).first()
    if entry is None:
        raise Http404
    themes = list(sample.run.themes.filter(level=Theme.Level.FINE).order_by("label"))
    initial = {}
    if entry.second is not None:
        initial = {"themes": [str(pk) for pk in entry.second], "none": not entry.second}
    form = CodingForm(request.POST if request.method == "POST" else None, themes=themes, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = [int(pk) for pk in form.cleaned_data["themes"]]
        try:
            review.sample_code(entry=entry, actor=staff_user(request), theme_ids=chosen)
        except ValidationError as error:
            form.add_error("themes", error)
        else:
            sample.refresh_from_db()
            if sample.finished_at:
                messages.success(request, _("Second coding finished. See how far the two codings agree."))
                return redirect("analysis:sample_agreement", code=sample.code)
            following = sample.entries.filter(second__isnull=True, position__gt=position).first()
            following = following or sample.entries.filter(second__isnull=True).first()
            return redirect(
                "analysis:sample_code",
                code=sample.code,
                position=following.position if following else position,
            )
    else:
        audit_record(
            actor=staff_user(request),
            action=AuditAction.VIEW,
            obj=sample.run,
            request=request,
            detail={"quality_sample": str(sample.code), "item": entry.item_id},
        )
    chosen_now = set(form["themes"].value() or [])
    return render(
        request,
        "analysis/review_code.html",
        {
            "sample": sample,
            "run": sample.run,
            "entry": entry,
            "form": form,
            "choices": [
                {
                    "id": "id_themes" if n == 0 else f"id_themes-{n}",
                    "theme": t,
                    "checked": str(t.pk) in chosen_now,
                }
                for n, t in enumerate(themes)
            ],
            "none_checked": bool(form["none"].value()),
            "coded": sample.entries.filter(second__isnull=False).count(),
            "previous": sample.entries.filter(position__lt=position).order_by("-position").first(),
            "errors": [{"href": "#id_themes", "message": m} for m in form.errors.get("themes", [])],
        },
    )


@staff_required
def sample_agreement(request: HttpRequest, code: UUID) -> HttpResponse:
    sample = _sample(request, code)
    if not sample.finished_at:
        messages.error(
            request, _("The second coding is not finished: agreement shows once every response is coded.")
        )
        return redirect("analysis:sample_detail", code=sample.code)
    report = review.sample_agreement(sample)
    labels = dict(sample.run.themes.values_list("pk", "label"))
    audit_record(
        actor=staff_user(request),
        action=AuditAction.VIEW,
        obj=sample.run,
        request=request,
        detail={"quality_sample": str(sample.code), "agreement": True},
    )
    return render(
        request,
        "analysis/review_agreement.html",
        {
            "sample": sample,
            "run": sample.run,
            "report": report,
            "disagreements": [
                {
                    "entry": e,
                    "first": [labels[t] for t in e.first if t in labels],
                    "second": [labels[t] for t in e.second or [] if t in labels],
                }
                for e in report.disagreements
            ],
            "unresolved": sum(1 for e in report.disagreements if not e.resolution),
            "can_change": can_change(staff_user(request), sample),
        },
    )


@require_POST
@staff_required
def sample_resolve(request: HttpRequest, code: UUID, position: int) -> HttpResponse:
    sample = _sample(request, code, change=True)
    entry = sample.entries.select_related("item", "sample__run").filter(position=position).first()
    if entry is None:
        raise Http404
    back = reverse("analysis:sample_agreement", args=[sample.code]) + "#disagreements"
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _refuse(request, ValidationError(list(form.errors["accept"])), back)
    try:
        review.disagreement_resolve(
            entry=entry, actor=staff_user(request), accept=form.cleaned_data["accept"]
        )
    except ValidationError as error:
        return _refuse(request, error, back)
    if form.cleaned_data["accept"] == SampleEntry.Resolution.FIRST:
        messages.success(request, _("Response %(n)s keeps its first coding.") % {"n": entry.position})
    else:
        messages.success(request, _("Response %(n)s now has the second coding.") % {"n": entry.position})
    return redirect(back)
