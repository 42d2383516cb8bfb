"""Demo content at realistic sizes, for benchmarks and load tests.

Everything generated is marked by a slug starting with ``demo-``, so it can be told apart
from curated content and removed again. Text is assembled from the domain's own vocabulary
with lengths like the real entries': names of a few words, one-paragraph summaries,
descriptions of several paragraphs, quotes of a sentence or two.

Word choice follows Zipf's law, as in real text: the domain's words are the most common
(the first noun, "trafficker", appears in a large share of documents, like the word does in
a real knowledge base of this kind), then a long tail of made-up words, each rare. Search
cost depends on how many documents a word matches, so a uniform choice would overstate it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date
from itertools import accumulate

DEMO_PREFIX = "demo-"

CATEGORIES = [
    "Covert communication", "Identity masking", "Recruitment and luring", "Advertising and sale",
    "Surveillance and control", "Coercion and extortion", "Financial operations",
    "Document fraud", "Transport and logistics", "Evasion of moderation",
]  # fmt: skip
TECHNOLOGIES = [
    "Encryption", "Proxy servers", "GPS and location tracking", "Virtual currency", "Websites",
    "Mobile apps", "Online advertising", "Image and video sharing", "Burner phones", "VPNs",
    "Prepaid cards", "Payment apps", "Deepfakes", "Spyware", "Cloud storage", "Live streaming",
    "Ride-hailing apps", "Short-term rental platforms", "Online forms", "Messaging bots",
    "QR codes", "Anonymous email", "Disappearing messages", "Shared accounts",
    "Photo editing", "Translation apps", "Location sharing", "Smart watches",
    "Mobile money", "Crowdfunding sites",
]  # fmt: skip
PLATFORMS = [
    "Messaging services", "Chat rooms", "Online groups", "Social media", "Dating apps",
    "Gaming platforms", "Cell phones", "Job boards", "Classified ad sites", "Forums",
    "Video platforms", "Marketplaces", "Freelance platforms", "Travel sites", "Escort sites",
    "Livestream apps", "App stores", "Cryptocurrency exchanges", "Email", "Search engines",
    "Review sites", "Model agencies' sites", "Student exchange sites", "Visa services",
    "Dark web markets",
]  # fmt: skip
STAGES = [
    "Recruitment", "Grooming", "Advertising and sale", "Movement", "Control", "Exploitation",
    "Financial flows", "Evasion of law enforcement",
]  # fmt: skip
GROUPS = [
    "Children", "Teenage boys", "Teenage girls", "Women and girls", "Adults", "Job seekers",
    "Migrants", "Students", "People with disabilities", "LGBTQ+ youth", "Domestic workers",
    "Refugees",
]  # fmt: skip
ACTORS = [
    "Law enforcement", "NGOs", "Technology companies", "Finance companies", "Policy makers",
    "Families and individuals", "Schools", "Health workers",
]  # fmt: skip
RESPONSE_KINDS = ["detect", "deny", "disrupt", "deter", "prevent", "support_victims"]
SOURCE_KINDS = ["news", "government_report", "ngo_report", "academic", "other"]

NOUNS = """trafficker victim accomplice recruiter account message phone app website platform
advert offer job contract payment wallet transfer identity proxy server location tracker
image video profile group chat room forum network operation scheme business company agency
visa passport document debt threat demand leverage investigator police report survey officer
case court data evidence pattern signal warning family school teenager child woman man worker
migrant student border route vehicle hotel apartment card currency bitcoin exchange deposit
recruitment grooming exploitation control movement sale advertisement moderation keyword
code emoji username password photo livestream game player match subscription
""".split()
VERBS = """uses hides encrypts tracks recruits advertises sells transfers masks deletes
threatens controls monitors lures promises demands contacts befriends grooms moves pays
launders disguises exploits coordinates shares records posts removes creates reports detects
""".split()
ADJECTIVES = """encrypted anonymous fake online hidden mobile virtual digital bogus remote
private public temporary false coercive financial sexual intimate local international
suspicious frequent sudden unexplained new multiple disposable prepaid untraceable
""".split()
CONNECTORS = ["and", "while", "because", "so that", "after", "before", "when", "although"]
SYLLABLES = "ka lo mir sen ta vi ro na del bri os qu an el zar po fi tor lem ash ud ven ix".split()


TAIL_WORDS = 3000
ZIPF_EXPONENT = 1.05


class ZipfWords:
    """Draws words with probability falling as 1 / rank^s: early words are common."""

    def __init__(self, words: list[str], rng: random.Random) -> None:
        self.words, self.random = words, rng
        self.cumulative = list(
            accumulate(1 / (rank**ZIPF_EXPONENT) for rank in range(1, len(words) + 1))
        )

    def __call__(self) -> str:
        return self.random.choices(self.words, cum_weights=self.cumulative)[0]


class DemoText:
    """Generates deterministic, plausible text from a seeded random source."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        tail = list(dict.fromkeys(self.proper_noun().lower() for _ in range(TAIL_WORDS)))
        self.noun = ZipfWords(NOUNS + tail, self.random)
        self.verb = ZipfWords(VERBS, self.random)
        self.adjective = ZipfWords(ADJECTIVES, self.random)

    def proper_noun(self) -> str:
        return "".join(self.random.choices(SYLLABLES, k=self.random.randint(2, 3))).capitalize()

    def phrase(self) -> str:
        return f"{self.adjective()} {self.noun()}"

    def sentence(self) -> str:
        r = self.random
        parts = [
            f"The {self.noun()} {self.verb()} {self.phrase()}",
            f"{r.choice(CONNECTORS)} the {self.noun()} {self.verb()} {self.phrase()}",
        ]
        if r.random() < 0.5:
            parts.append(f"in {self.proper_noun()}")
        if r.random() < 0.3:
            parts.append(f"through {r.choice(PLATFORMS).lower()}")
        return " ".join(parts).capitalize() + "."

    def sentences(self, low: int, high: int) -> str:
        return " ".join(self.sentence() for _ in range(self.random.randint(low, high)))

    def name(self) -> str:
        r = self.random
        kind = r.choice(["scheme", "tactic", "method", "pattern", "use", "abuse"])
        return f"{self.adjective().capitalize()} {self.noun()} {self.noun()} {kind}"

    def title(self) -> str:
        r = self.random
        return (
            f"{r.choice(['How', 'Why', 'When', 'Report:', 'Study:', 'Inside'])} "
            f"{self.proper_noun()} {self.noun()}s {self.verb()} {self.phrase()}s"
        )

    def description(self) -> str:
        paragraphs = [self.sentences(3, 6) for _ in range(self.random.randint(2, 4))]
        return "\n\n".join(paragraphs)

    def publisher(self) -> str:
        kind = self.random.choice(["Times", "Foundation", "Institute", "Review", "Ministry"])
        return f"The {self.proper_noun()} {kind}"

    def person(self) -> str:
        return f"{self.proper_noun()} {self.proper_noun()}"

    def date(self) -> date:
        return date(self.random.randint(2010, 2025), self.random.randint(1, 12), 1)


def batched(count: int, size: int) -> Iterator[range]:
    """Ranges of at most ``size`` numbers covering 1..count."""
    for start in range(1, count + 1, size):
        yield range(start, min(start + size, count + 1))


class Progress:
    """A one-line progress bar on a stream, for long generation steps."""

    def __init__(self, write: Callable[[str], None], label: str, total: int) -> None:
        self.write, self.label, self.total, self.done = write, label, max(total, 1), 0

    def advance(self, amount: int) -> None:
        self.done = min(self.done + amount, self.total)
        filled = int(30 * self.done / self.total)
        end = "\n" if self.done == self.total else ""
        self.write(
            f"\r{self.label:<16} [{'#' * filled}{'.' * (30 - filled)}] "
            f"{self.done:>7}/{self.total}{end}"
        )
