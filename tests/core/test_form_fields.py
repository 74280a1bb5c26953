"""The GOV.UK form field tag renders each kind of choice the way it behaves."""

from __future__ import annotations

from django import forms

from chorus.core.templatetags.chorus import govuk_field


class Choices(forms.Form):
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, required=False
    )
    one = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, required=False)


def test_several_choices_are_checkboxes_and_one_choice_is_radios() -> None:
    form = Choices(data={"many": ["a", "b"], "one": "b"})
    many = str(govuk_field(form["many"]))
    assert 'type="checkbox"' in many and 'type="radio"' not in many
    assert many.count("checked") == 2
    one = str(govuk_field(form["one"]))
    assert 'type="radio"' in one and one.count(" checked") == 1
