from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from uchast.accounts.models import NOTIFICATION_TOPICS
from uchast.channels.models import Channel, ChannelSettings, EmailMode


class ChannelsForm(forms.Form):
    """One group of checkboxes per kind of news; whether a kind is wanted at all stays on the profile."""

    email_mode = forms.ChoiceField(label=_("E-mail"), choices=EmailMode.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for topic, label in NOTIFICATION_TOPICS.items():
            self.fields[f"channels_{topic}"] = forms.MultipleChoiceField(
                label=label, choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
            )

    @staticmethod
    def initial_for(row: ChannelSettings) -> dict[str, Any]:
        initial: dict[str, Any] = {"email_mode": row.email_mode}
        initial.update({f"channels_{topic}": row.channels_for(topic) for topic in NOTIFICATION_TOPICS})
        return initial

    def topic_channels(self) -> dict[str, list[str]]:
        return {topic: list(self.cleaned_data.get(f"channels_{topic}") or []) for topic in NOTIFICATION_TOPICS}


class AnnouncementForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    district_code = forms.ChoiceField(label=_("Only residents of the district"), required=False)
    basis = forms.ChoiceField(label=_("Only residents on the basis"), required=False)

    def __init__(
        self, *args: Any, districts: list[tuple[str, str]], bases: list[tuple[str, Any]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        everyone: list[tuple[str, Any]] = [("", _("everyone who opted in"))]
        cast(forms.ChoiceField, self.fields["district_code"]).choices = [*everyone, *districts]
        cast(forms.ChoiceField, self.fields["basis"]).choices = [*everyone, *bases]
