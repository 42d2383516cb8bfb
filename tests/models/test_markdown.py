"""Entry descriptions are Markdown; whatever HTML an admin types must not reach readers."""

import pytest

from kb.markdown import render_markdown


def test_markdown_is_rendered():
    html = render_markdown("Some **bold** text and a [link](https://example.org/).")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org/"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        "[click](javascript:alert(1))",
        "![tracker](https://third-party.example/pixel.gif)",
        '<svg onload="alert(1)"></svg>',
        '<iframe src="https://example.org"></iframe>',
        '<p style="position:fixed" onclick="alert(1)">x</p>',
    ],
)
def test_dangerous_markup_is_removed(payload):
    html = render_markdown(payload).lower()
    for forbidden in (
        "<script",
        "onerror",
        "javascript:",
        "<img",
        "<svg",
        "onload",
        "<iframe",
        "style=",
        "onclick",
    ):
        assert forbidden not in html


def test_headings_never_outrank_the_page_outline():
    html = render_markdown("# Big\n\n## Smaller")
    assert "<h1>" not in html and "<h2>" not in html
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html


def test_empty_description_renders_nothing():
    assert render_markdown("") == ""


def test_each_text_is_rendered_on_its_own():
    # The converter is reused: nothing of one text may carry over into the next.
    first = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n1. one\n2. two")
    second = render_markdown("Plain words.")
    assert "<table>" in first and "<ol>" in first
    assert second == "<p>Plain words.</p>"
