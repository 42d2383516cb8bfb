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
