"""The two articles the seed content was built from, as curators would store their texts.

They are read from ``../shared/seeds`` beside the checkout (where the fixture audit reads
them; see ``_seeds``), never copied into the repository: the articles are
copyrighted, which is why kb stores such texts privately. A stored text is the article's
body, so that "paragraph N" counts as the seed's locators do: without the headline, and for
the second, without the page's masthead before it.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from kb.models import split_paragraphs


def _seeds() -> Path:
    """``KB_SEED_TEXTS`` if set; else ``shared/seeds`` beside the checkout, or beside the
    workspace's main checkout when CI runs in a clone elsewhere on the same machine."""
    if os.environ.get("KB_SEED_TEXTS"):
        return Path(os.environ["KB_SEED_TEXTS"])
    candidates = [Path(settings.BASE_DIR).parent / "shared" / "seeds", Path("/work/shared/seeds")]
    return next((path for path in candidates if path.is_dir()), candidates[0])


SEEDS = _seeds()

# Blocks before the body: the headline, and for the second the masthead (site title, logo
# and slogan) too.
ARTICLES = {"SR-0001": ("000_973b1e1e16c3f29f.txt", 1), "SR-0002": ("004_8d691f6d1a9bec56.txt", 2)}


def article_body(public_id: str) -> str:
    """The stored text of seed source ``public_id``: its article's body, paragraphs
    separated by blank lines."""
    name, skipped = ARTICLES[public_id]
    text = (SEEDS / name).read_text(encoding="utf-8")
    return "\n\n".join(split_paragraphs(text)[skipped:])


def article_file(public_id: str) -> Path:
    """The file the seed article ``public_id`` is kept in, whole."""
    return SEEDS / ARTICLES[public_id][0]


# Paragraphs of the first seed article (SR-0001), as its stored text numbers them.
PARAGRAPH_6 = (
    "Traffickers use online means to advertise, Global Positioning Systems in cell phones "
    "to track their victims and encrypted messages to communicate with accomplices, he said."
)
PARAGRAPH_15 = (
    "Gutfleish said the number of children being sex trafficked in the United States was "
    "difficult to determine."
)
