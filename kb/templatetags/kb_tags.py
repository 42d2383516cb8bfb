"""Template filters for rendering knowledge base content."""

from django import template
from django.utils.safestring import SafeString

from kb.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render an entry's Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter
def get_field_label(form, name: str) -> str:
    """The label of ``form``'s field ``name``, for messages keyed by field name."""
    try:
        return form[name].label
    except KeyError:
        return name


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
