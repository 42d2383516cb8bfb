"""Template filters for rendering knowledge base content."""

from datetime import timedelta

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext, pgettext

from kb.markdown import render_markdown
from kb.models import DatePrecision, Source
from kb.models.translations import SOURCE_LANGUAGE, reading_language, shown_language

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render an entry's Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter
def in_minutes(duration: timedelta | None) -> str:
    """A duration in whole minutes, for people: "15 minutes"."""
    minutes = max(1, round(duration.total_seconds() / 60)) if duration else 0
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


#: How a source's date reads, by how much of it is known: the page's language's named formats
#: (kb/formats), the year alone when only the year is known.
SOURCE_DATE_FORMATS: dict[str, str] = {
    DatePrecision.YEAR: "Y",
    DatePrecision.MONTH: "YEAR_MONTH_FORMAT",
    DatePrecision.DAY: "DATE_FORMAT",
}


@register.filter
def source_date(source: Source) -> str:
    """A source's publication date for readers, with the month named in the page's language:
    to the precision known, else the dateline as the source prints it, else "n.d.". The
    same as ``Source.date_display`` (in English) gives the files and the API."""
    if source.published_on:
        return date_format(
            source.published_on, SOURCE_DATE_FORMATS.get(source.date_precision, "DATE_FORMAT")
        )
    return source.dateline or pgettext("a source without a date", "n.d.")


@register.filter
def field_errors(form, name: str) -> list[str]:
    """The messages about ``form``'s field ``name`` (none when it was understood)."""
    return list(form.errors.get(name, [])) if form.is_bound else []


@register.simple_tag(takes_context=True)
def remove_from_query(context, name: str, value: str) -> str:
    """The current URL's query string without one value of one argument, and without
    ``page`` (the page number of a different list means nothing)."""
    query = context["request"].GET.copy()
    query.setlist(name, [v for v in query.getlist(name) if v != value])
    query.pop("page", None)
    return f"?{query.urlencode()}"


@register.filter
def model_label(instance) -> str:
    """The kind of a record in readers' words ("Tactic", "Countermeasure", "Source")."""
    return instance._meta.verbose_name.capitalize()


EMPTY_OPTION = mark_safe(' class="facet__option--empty"')
CHECKED = mark_safe(" checked")


@register.simple_tag
def facet_options(facet) -> SafeString:
    """A facet's checkboxes, each labelled with the number of results it would give.

    Built here rather than in _facet.html: a tactic list has some ninety options, and the
    template engine spent a third of the page's rendering time on them.
    """

    def option(number: int, choice) -> tuple:
        empty = "" if choice.count or choice.selected else EMPTY_OPTION
        field_id = f"facet-{facet.name}-{number}"
        checked = CHECKED if choice.selected else ""
        return (
            empty,
            facet.name,
            choice.value,
            field_id,
            checked,
            field_id,
            choice.label,
            choice.count,
        )

    return format_html_join(
        "\n",
        '<li{}><input type="checkbox" name="{}" value="{}" id="{}"{}>'
        '<label for="{}">{} <span class="facet__count">{}</span></label></li>',
        (option(number, choice) for number, choice in enumerate(facet.options, 1)),
    )


@register.filter
def lang_of(instance, name: str) -> str:
    """The language ``instance.<name>`` is shown in (the reader's where it is translated,
    else English), for the ``lang`` attribute of the element showing it, so screen readers
    read English text with an English voice."""
    return shown_language(instance, name)


@register.simple_tag
def translation_state(entry) -> str:
    """How the reader's language stands on ``entry``'s page: "" (English, or translated
    and current), "missing" (shown in English) or "outdated" (translated from English that
    has changed since)."""
    language = reading_language()
    if language == SOURCE_LANGUAGE or not hasattr(entry, "has_translation"):
        return ""
    if not entry.has_translation(language):
        return "missing"
    return "outdated" if entry.is_outdated(language) else ""
