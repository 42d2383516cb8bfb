"""Demo content at realistic sizes, for benchmarks and load tests.

Everything generated is marked by a slug starting with ``demo-``, so it can be told apart
from curated content and removed again. Text is assembled from the domain's own vocabulary
with lengths like the real entries': names of a few words, one-paragraph summaries,
descriptions of several paragraphs, quotes of a sentence or two. Proper nouns are made up
from syllables, which gives the vocabulary the long tail a real corpus has.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date

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


class DemoText:
    """Generates deterministic, plausible text from a seeded random source."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def proper_noun(self) -> str:
        return "".join(self.random.choices(SYLLABLES, k=self.random.randint(2, 3))).capitalize()

    def phrase(self) -> str:
        r = self.random
        return f"{r.choice(ADJECTIVES)} {r.choice(NOUNS)}"

    def sentence(self) -> str:
        r = self.random
        parts = [
            f"The {r.choice(NOUNS)} {r.choice(VERBS)} {self.phrase()}",
            f"{r.choice(CONNECTORS)} the {r.choice(NOUNS)} {r.choice(VERBS)} {self.phrase()}",
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
        return f"{r.choice(ADJECTIVES).capitalize()} {r.choice(NOUNS)} {r.choice(NOUNS)} {kind}"

    def title(self) -> str:
        r = self.random
        return (
            f"{r.choice(['How', 'Why', 'When', 'Report:', 'Study:', 'Inside'])} "
            f"{self.proper_noun()} {r.choice(NOUNS)}s {r.choice(VERBS)} {self.phrase()}s"
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
