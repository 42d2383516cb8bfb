"""The About page: who curates kb, how entries are researched, reviewed and cited, how to
reach the editors, and the licences. Its facts come from the code and settings, so the
page stays true: the licences from kb.licence, the contact address from a setting."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from kb.models import Countermeasure, Source, Tactic


def about(request: HttpRequest) -> HttpResponse:
    """What kb is and how far it can be trusted, in every language."""
    return render(
        request,
        "kb/about.html",
        {
            "contact_email": settings.KB_CONTACT_EMAIL,
            "id_prefixes": [
                (Tactic._meta.verbose_name_plural, Tactic.PUBLIC_ID_PREFIX),
                (Countermeasure._meta.verbose_name_plural, Countermeasure.PUBLIC_ID_PREFIX),
                (Source._meta.verbose_name_plural, Source.PUBLIC_ID_PREFIX),
            ],
            "site_url": request.build_absolute_uri(reverse("kb:home")),
        },
    )
