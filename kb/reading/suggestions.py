"""Suggestions from the field: the public form at /suggest/ and its thank-you page.

Anyone may suggest a correction, a source or a new tactic, without an account. What is sent
lands in the admin's review queue (kb.models.suggestions) and is never public as written.
The form is protected without an image puzzle:

- a request body larger than ``KB_SUGGESTION_MAX_BYTES`` is refused (413) before anything
  reads it, which is why the view checks CSRF itself, after that check, rather than leaving
  it to the middleware (which reads the body first);
- CSRF, with a page that keeps the sender's text when their form expired (403);
- at most ``KB_SUGGESTIONS_PER_HOUR`` suggestions per client address in an hour, counted in
  the cache under a keyed hash of the address (429);
- a honeypot field that people never see; a form that fills it gets the same "thank you"
  as anyone, and nothing is saved.

The form page carries a CSRF token of its reader's own, so it is never cached
(``never_cache`` marks it private, which the page cache does not store).
"""

from __future__ import annotations

import logging

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kb.curation.notifications import notify_reviewers
from kb.models import Entry, Suggestion, SuggestionKind
from kb.models.suggestions import public_entry_named

logger = logging.getLogger(__name__)

#: How long one address's count of suggestions lasts, from its first suggestion.
RATE_WINDOW_SECONDS = 3600
HONEYPOT = "website"


class SuggestionForm(forms.ModelForm):
    """What a reader may send: what kind of suggestion, the entry it is about, the message,
    a link to a source, and optional contact details (never shown publicly)."""

    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        # People never reach it: hidden from sight and from screen readers, and out of the
        # tab order. Bots that fill every field give themselves away.
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    kind = forms.ChoiceField(
        label=gettext_lazy("What would you like to suggest?"),
        choices=SuggestionKind.choices,
        widget=forms.RadioSelect,
    )
    link = forms.URLField(
        label=gettext_lazy("A link to a source (optional)"),
        help_text=gettext_lazy("A public report, article or study that describes it."),
        max_length=1000,
        required=False,
        # A link pasted without its scheme is a web link; assume the secure one.
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )

    class Meta:
        model = Suggestion
        fields = ["kind", "about", "message", "link", "contact_name", "contact_email"]
        labels = {
            "about": gettext_lazy("The entry it is about (optional)"),
            "message": gettext_lazy("Your suggestion"),
            "contact_name": gettext_lazy("Your name (optional)"),
            "contact_email": gettext_lazy("Your email address (optional)"),
        }
        help_texts = {
            "about": gettext_lazy(
                "Its ID, such as TT-0003, shown at the top of its page. Leave it empty for "
                "something new."
            ),
            "message": gettext_lazy(
                "What is wrong or missing, or the tactic you have seen, in your own words. "
                "Describe what happened in general terms."
            ),
            "contact_name": gettext_lazy(
                "Only reviewers see it, to ask you about this suggestion. It is never published."
            ),
            "contact_email": gettext_lazy(
                "Only reviewers see it, to ask you about this suggestion. It is never published."
            ),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 8, "cols": 30}),
            "about": forms.TextInput(attrs={"size": 12, "autocomplete": "off"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.about_entry: Entry | None = None

    def clean_about(self) -> str:
        """The canonical ID of a public entry, or empty; a draft's ID is refused exactly as
        an ID that never existed is."""
        typed = self.cleaned_data["about"].strip()
        if not typed:
            return ""
        entry = public_entry_named(typed)
        if entry is None:
            raise forms.ValidationError(
                _("No public entry has the ID “%(id)s”. Leave it empty to suggest something new."),
                params={"id": typed},
            )
        self.about_entry = entry
        return entry.public_id

    def clean_message(self) -> str:
        # Counted as the reader sees it: a line break is one character, as in their browser.
        message = self.cleaned_data["message"].replace("\r\n", "\n").strip()
        limit = settings.KB_SUGGESTION_MAX_CHARS
        if len(message) > limit:
            raise forms.ValidationError(
                _(
                    "Your message is %(length)d characters long; the most we can take is "
                    "%(limit)d. Please shorten it, or send it in two parts."
                ),
                params={"length": len(message), "limit": limit},
            )
        return message

    @property
    def is_bot(self) -> bool:
        """Whether the field people never see was filled (valid forms only)."""
        return bool(self.cleaned_data.get(HONEYPOT))


def _body_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False  # Django reads such a body as empty
    return length > settings.KB_SUGGESTION_MAX_BYTES


def _csrf_refused(request: HttpRequest) -> bool:
    """Django's own CSRF check (as ``csrf_protect`` makes it), run once the body is known
    to be small enough to read."""
    check = CsrfViewMiddleware(lambda request: HttpResponse())
    return check.process_view(request, None, (), {}) is not None  # type: ignore[arg-type]


def _rate_key(request: HttpRequest) -> str:
    # The connection's address, as the sign-in lock-outs use (docs/operations.md). Only a
    # keyed hash of it is kept, in the cache, and for the window alone.
    address = request.META.get("REMOTE_ADDR", "")
    return "suggest-rate:" + salted_hmac("kb.suggestions.rate", address).hexdigest()


def _rate_limited(request: HttpRequest) -> bool:
    try:
        return (cache.get(_rate_key(request)) or 0) >= settings.KB_SUGGESTIONS_PER_HOUR
    except Exception:  # an unreachable cache must not stop readers from writing to us
        logger.warning("Cache unavailable; suggestion rate limit not checked.", exc_info=True)
        return False


def _count_suggestion(request: HttpRequest) -> None:
    key = _rate_key(request)
    try:
        # add() starts the window only once; incr() is atomic in Redis.
        cache.add(key, 0, RATE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # the window ended between the two calls
            cache.set(key, 1, RATE_WINDOW_SECONDS)
    except Exception:
        logger.warning("Cache unavailable; suggestion not counted.", exc_info=True)


def _form_page(
    request: HttpRequest,
    form: SuggestionForm,
    *,
    status: int = 200,
    refusal: str = "",
    about_entry: Entry | None = None,
) -> HttpResponse:
    return render(
        request,
        "kb/suggest.html",
        {"form": form, "refusal": refusal, "about_entry": about_entry or form.about_entry},
        status=status,
    )


def _tell_reviewers(request: HttpRequest, suggestion: Suggestion) -> None:
    # The message stays in the admin: it may hold what should not travel by email.
    address = request.build_absolute_uri(
        reverse("admin:kb_suggestion_change", args=[suggestion.pk])
    )
    about = f" ({suggestion.about})" if suggestion.about else ""
    # In the site's own language, not the reader's: the reviewers are the ones reading it.
    with translation.override(settings.LANGUAGE_CODE):
        kind = suggestion.get_kind_display().lower()
        notify_reviewers(
            _("Suggestion from the field: %(kind)s%(about)s") % {"kind": kind, "about": about},
            _(
                "A reader has sent a suggestion: %(kind)s%(about)s.\n\n"
                "Read it, then accept or dismiss it, in the admin:\n%(address)s\n"
            )
            % {"kind": kind, "about": about, "address": address},
        )


@csrf_exempt  # checked in the view, after the size check: see the module's docstring
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request: HttpRequest) -> HttpResponse:
    """The suggestion form (``?about=TT-0003`` from an entry's page), and what it sends."""
    if request.method != "POST":
        about = request.GET.get("about", "")
        entry = public_entry_named(about)
        if about and entry is None:
            # An ID that names no public entry (a draft's, or none) is not repeated anywhere
            # on the page, its shared address included: the plain form, as for no ID.
            return redirect(request.path)
        kind = SuggestionKind.CORRECTION if entry else SuggestionKind.NEW_TACTIC
        initial: dict[str, str] = {"kind": kind}
        if entry is not None:
            initial["about"] = entry.public_id
        return _form_page(request, SuggestionForm(initial=initial), about_entry=entry)

    if _body_too_large(request):
        limit_kb = settings.KB_SUGGESTION_MAX_BYTES // 1024
        refusal = _(
            "Your suggestion is too large for us to receive (more than %(limit)d KB), so it "
            "was not sent. Go back in your browser to copy your text, shorten it, and send it "
            "again."
        ) % {"limit": limit_kb}
        return _form_page(request, SuggestionForm(), status=413, refusal=refusal)

    form = SuggestionForm(request.POST)
    if _csrf_refused(request):
        # Shown back to them with a fresh token (and a new cookie when theirs is missing):
        # nothing is saved until they press Send on this page.
        form = SuggestionForm(initial=request.POST.dict())
        refusal = _(
            "Your suggestion was not sent: the form had expired, or your browser did not send "
            "this site's cookie. Your text is below: check it and send it again. If this "
            "happens again, allow cookies for this site."
        )
        return _form_page(request, form, status=403, refusal=refusal)

    if _rate_limited(request):
        form = SuggestionForm(initial=request.POST.dict())
        per_hour = settings.KB_SUGGESTIONS_PER_HOUR
        refusal = ngettext(
            "Your suggestion was not sent: %(count)d suggestion has already come from your "
            "connection in the last hour, the most we take. Please keep a copy of your text "
            "below and send it again in an hour.",
            "Your suggestion was not sent: %(count)d suggestions have already come from your "
            "connection in the last hour, the most we take. Please keep a copy of your text "
            "below and send it again in an hour.",
            per_hour,
        ) % {"count": per_hour}
        response = _form_page(request, form, status=429, refusal=refusal)
        response["Retry-After"] = str(RATE_WINDOW_SECONDS)
        return response

    if not form.is_valid():
        return _form_page(request, form)
    _count_suggestion(request)
    if not form.is_bot:
        suggestion = form.save()
        _tell_reviewers(request, suggestion)
    return redirect("kb:suggest-thanks")


def suggest_thanks(request: HttpRequest) -> HttpResponse:
    """Where a sent suggestion leads: what happens next."""
    return render(request, "kb/suggest_thanks.html")
