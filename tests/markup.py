"""What in a page a browser could execute, as its HTML tokeniser sees it: shared by the
security-header tests (our own pages carry nothing inline) and the XSS corpus."""

from __future__ import annotations

from html.parser import HTMLParser

# Elements that run or restyle content, and attributes that take a URL. (The admin draws
# its icons with inline SVG; an SVG payload needs an on* attribute or a script, which are
# looked for separately.)
SCRIPTABLE_ELEMENTS = {"script", "iframe", "object", "embed", "style", "base", "frame"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


class ScriptFinder(HTMLParser):
    """Collects everything in a page that a browser could execute."""

    def __init__(self, allow_style: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.allow_style = allow_style
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            if attributes.get("type") != "application/json":
                self.found.append("inline <script>")
        elif tag == "style" and self.allow_style:
            pass
        elif tag in SCRIPTABLE_ELEMENTS - {"script"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name == "style" and not self.allow_style:
                self.found.append(f"style= on <{tag}>")
            scheme = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name in URL_ATTRIBUTES and scheme.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{name}={value!r} on <{tag}>")


def executable_parts(html: str, allow_style: bool = False) -> list[str]:
    finder = ScriptFinder(allow_style)
    finder.feed(html)
    return finder.found
