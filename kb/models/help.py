"""Where to get help: organisations readers can turn to, per country and language, curated
in the admin and shown on the public "Get help" page (kb.reading.help).

A help entry is not a tactic, countermeasure or source: it has no permanent ID, page of its
own, versions or pending revisions. It follows the same workflow statuses and steps
(kb.models.workflow: a contributor drafts it and sends it to review; only a reviewer
publishes, retires or withdraws it), its every save is kept in its history
(simple-history), and only published ones are ever shown. Every entry says where its
details come from: a source in kb with a verbatim quote, or a web address with the date a
curator checked it. Nothing in it may be invented, least of all a phone number or an
address: with none in the source, the entry says contact details are not recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_countries.fields import CountryField

from .history import History
from .translations import Translated
from .workflow import TRANSITIONS, Status, WorkflowError

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def language_codes(text: str) -> list[str]:
    """The language codes in ``text`` ("en es, ar" -> ["en", "es", "ar"]), lower case, in
    the order given, each once."""
    codes: list[str] = []
    for code in text.replace(",", " ").lower().split():
        if code not in codes:
            codes.append(code)
    return codes


def language_label(code: str) -> str:
    """A language's name in the reader's language, as Django knows it ("es" -> "Spanish"
    on the English site), or the code itself when Django does not know it."""
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def validate_language_codes(text: str) -> None:
    """Refuse codes Django does not know as languages (a typo would hide the entry from
    readers filtering by their language)."""
    from django.conf.locale import LANG_INFO

    unknown = [code for code in language_codes(text) if code not in LANG_INFO]
    if unknown:
        raise ValidationError(
            gettext_lazy("Unknown language codes: %(codes)s. Use codes such as en, es, fr, ar."),
            code="unknown_language",
            params={"codes": ", ".join(unknown)},
        )


class HelpOrganisationQuerySet(models.QuerySet):
    def published(self) -> Self:
        """What the public "Get help" page may show."""
        return self.filter(status=Status.PUBLISHED)

    def serving(self, country: str) -> Self:
        """Those that serve ``country`` (an ISO 3166 code), and those that serve every
        country."""
        return self.filter(Q(country=country) | Q(country=""))


HelpOrganisationManager = models.Manager.from_queryset(HelpOrganisationQuerySet)


class HelpOrganisation(models.Model):
    """An organisation readers can turn to for help: what it does, how to reach it, where
    and in which languages, and where that information comes from."""

    name = Translated(models.CharField(gettext_lazy("organisation"), max_length=200))
    what_they_do = Translated(
        models.TextField(
            gettext_lazy("what they do"),
            help_text=gettext_lazy("Plain text, in the source's words where possible."),
        )
    )
    how_to_reach = Translated(
        models.TextField(
            gettext_lazy("how to reach them"),
            blank=True,
            help_text=gettext_lazy(
                "Any other way to reach them (opening hours, a form, an office), as the "
                "source gives it. Leave empty, with the fields below, when the source gives "
                "no contact details: the page then says that none are recorded."
            ),
        )
    )
    website = models.URLField(gettext_lazy("website"), max_length=500, blank=True)
    phone = models.CharField(gettext_lazy("phone"), max_length=50, blank=True)
    email = models.EmailField(gettext_lazy("email"), blank=True)
    country = CountryField(
        gettext_lazy("country served"),
        blank=True,
        help_text=gettext_lazy("Leave empty for an organisation that serves every country."),
    )
    region = Translated(
        models.CharField(
            gettext_lazy("region served"),
            max_length=200,
            blank=True,
            help_text=gettext_lazy("Part of the country, if not all of it."),
        )
    )
    languages = models.CharField(
        gettext_lazy("languages they answer in"),
        max_length=200,
        blank=True,
        validators=[validate_language_codes],
        help_text=gettext_lazy("Language codes separated by spaces: en es fr ar."),
    )
    source = models.ForeignKey(
        "kb.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_organisations",
        verbose_name=gettext_lazy("source"),
        help_text=gettext_lazy("The source in kb that names the organisation, if any."),
    )
    quote = models.TextField(
        gettext_lazy("quote"),
        blank=True,
        help_text=gettext_lazy("Verbatim from the source: what it says of the organisation."),
    )
    source_url = models.URLField(
        gettext_lazy("or: web address of the information"), max_length=1000, blank=True
    )
    checked_on = models.DateField(
        gettext_lazy("date checked"),
        null=True,
        blank=True,
        help_text=gettext_lazy("When a curator last checked the details at that address."),
    )
    status = models.CharField(
        gettext_lazy("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[HelpOrganisationManager] = HelpOrganisationManager()
    history = History()

    if TYPE_CHECKING:
        #: The note simple-history keeps with the next save.
        _change_reason: str

    class Meta:
        ordering = ["country", "name_en"]
        verbose_name = gettext_lazy("help organisation")
        verbose_name_plural = gettext_lazy("help organisations")
        permissions = [
            ("review_helporganisation", "Can publish, return to draft and retire help entries")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="kb_helporganisation_valid_status"
            )
        ]
        indexes = [models.Index(fields=["status", "country"], name="help_status_country_idx")]

    def __str__(self) -> str:
        where = f" ({self.country_code})" if self.country_code else ""
        return f"{self.name}{where}"

    # --- what the page shows ---------------------------------------------------------------

    @property
    def country_code(self) -> str:
        """The ISO 3166 code of the country served ("" for every country)."""
        return str(self.country or "")

    @property
    def language_list(self) -> list[str]:
        return language_codes(self.languages)

    def language_names(self) -> list[str]:
        """The languages they answer in, named in the reader's language."""
        return [language_label(code) for code in self.language_list]

    @property
    def has_contact(self) -> bool:
        return bool(self.website or self.phone or self.email or self.how_to_reach)

    # --- review ----------------------------------------------------------------------------

    def source_problems(self) -> list[str]:
        """Why the entry may not be published yet ([] when it may): it must say where its
        details come from, a published source with a quote or a web address with the date
        it was checked."""
        cited = self.source is not None and self.source.status == Status.PUBLISHED
        if cited and self.quote.strip():
            return []
        if self.source_url and self.checked_on:
            return []
        if self.source is not None and not cited:
            return [str(gettext_lazy("Its source is not published: publish the source first."))]
        return [
            str(
                gettext_lazy(
                    "It says nowhere where its details come from: cite a source with a quote, "
                    "or give the web address of the information and the date you checked it."
                )
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.quote.strip() and self.source is None:
            raise ValidationError({"source": gettext_lazy("Name the source the quote is from.")})

    @classmethod
    def review_permission(cls) -> str:
        return "kb.review_helporganisation"

    def can_apply(self, transition_name: str) -> bool:
        return self.status in TRANSITIONS[transition_name].sources

    def may_apply(self, user: User | AnonymousUser, transition_name: str) -> bool:
        """Contributors send their drafts to review; every other step is a reviewer's."""
        if TRANSITIONS[transition_name].reviewers_only:
            return user.has_perm(self.review_permission())
        return user.has_perm("kb.change_helporganisation")

    def editable_by(self, user: User | AnonymousUser) -> bool:
        """Contributors edit drafts; an entry in review or public is a reviewer's (who
        edits it with its history kept): nothing a contributor writes reaches readers
        without review."""
        return self.status == Status.DRAFT or user.has_perm(self.review_permission())

    def apply(self, transition_name: str) -> None:
        """Take a step of the workflow (the caller checked the role, and saves): publishing
        refuses an entry that does not say where its details come from."""
        transition = TRANSITIONS[transition_name]
        if self.status not in transition.sources:
            status = self.get_status_display().lower()
            raise WorkflowError(
                gettext_lazy("“%(entry)s” is %(status)s; “%(step)s” does not apply to it.")
                % {"entry": self, "status": status, "step": transition.label}
            )
        if transition.target == Status.PUBLISHED:
            problems = self.source_problems()
            if problems:
                raise WorkflowError(" ".join(problems))
        self.status = transition.target
        if transition.target == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
