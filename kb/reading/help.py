"""The "Get help" page: organisations readers can turn to, by country and language
(kb.models.help), published ones only.

Readers narrow it with a plain GET form (``?country=`` an ISO 3166 code, ``?language=`` a
language code; kb.web.parameters lists both). A value the page does not understand is
left out and named in plain words, never an error. The page says plainly when nothing is
recorded for a country or a language, and always opens with general advice that names no
organisation, number or address of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from kb.models import HelpOrganisation
from kb.models.help import language_label


@dataclass
class Place:
    """The organisations that serve one country (``code`` "" for those that serve every
    country), named in the reader's language."""

    code: str
    name: str
    organisations: list[HelpOrganisation]


class HelpFilterForm(forms.Form):
    """What a reader narrows the page to; both optional."""

    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language they answer in"), required=False)

    def __init__(self, *args, languages: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        named = sorted(((code, language_label(code)) for code in languages), key=lambda c: c[1])
        choices = {
            "country": [("", _("Every country")), *countries],
            "language": [("", _("Any language")), *named],
        }
        for name, offered in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = offered


def languages_offered(organisations: list[HelpOrganisation]) -> list[str]:
    """The site's languages, and every language a published organisation answers in."""
    codes = [code for code, _name in settings.LANGUAGES]
    for organisation in organisations:
        codes += [code for code in organisation.language_list if code not in codes]
    return codes


def not_understood(form: HelpFilterForm) -> list[str]:
    """What the reader asked for that the page does not know, in plain words."""
    said = []
    if "country" in form.errors:
        said.append(
            _("“%(value)s” is not a country code this page knows, so every country is shown.")
            % {"value": form.data.get("country", "")}
        )
    if "language" in form.errors:
        said.append(
            _("“%(value)s” is not a language this page knows, so every language is shown.")
            % {"value": form.data.get("language", "")}
        )
    return said


def by_place(organisations: list[HelpOrganisation], country: str) -> list[Place]:
    """The organisations grouped by the country they serve, countries by name in the
    reader's language, then those that serve every country. With ``country`` chosen: that
    country (even with none, so the page can say so), then those that serve every one."""
    places: dict[str, Place] = {}
    if country:
        places[country] = Place(country, countries.name(country), [])
    for organisation in organisations:
        code = organisation.country_code
        if code not in places:
            name = countries.name(code) if code else _("Every country")
            places[code] = Place(code, name, [])
        places[code].organisations.append(organisation)
    if country:
        ordered = [places.pop(country)]
    else:
        ordered = sorted((p for c, p in places.items() if c), key=lambda place: place.name)
    return [*ordered, places[""]] if "" in places else ordered


def get_help(request: HttpRequest) -> HttpResponse:
    """Where to get help, narrowed by country and language."""
    published = list(HelpOrganisation.objects.published().select_related("source"))
    languages = languages_offered(published)
    query = request.GET.copy()
    # Codes as people type them: "fr" is France, "ES" is Spanish.
    query["country"] = query.get("country", "").strip().upper()
    query["language"] = query.get("language", "").strip().lower()
    asked = HelpFilterForm(query, languages=languages)
    asked.is_valid()  # what is not understood is left out, and named (not_understood)
    country = asked.cleaned_data.get("country", "")
    language = asked.cleaned_data.get("language", "")
    # The form is shown with what was understood (a value left out is named above it).
    form = HelpFilterForm(initial={"country": country, "language": language}, languages=languages)
    shown = sorted(
        (
            organisation
            for organisation in published
            if (not country or organisation.country_code in ("", country))
            and (not language or language in organisation.language_list)
        ),
        key=lambda organisation: str(organisation.name).casefold(),
    )
    return render(
        request,
        "kb/get_help.html",
        {
            "form": form,
            "problems": not_understood(asked),
            "country": country,
            "language_name": language_label(language) if language else "",
            "places": by_place(shown, country),
            "recorded": bool(published),
        },
    )
