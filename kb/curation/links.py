"""The link checker: does every source's URL and archived-copy URL still answer?

Each link is asked with HEAD, then with GET when HEAD fails (some sites refuse HEAD), with
the standard library (``urllib.request``): a timeout, a limit on redirects, and a
User-Agent that says who asks and where to read about it. Links are grouped by host: a
small pool of threads asks several hosts at once, but one host's links are asked one after
another with a pause between them, so the checker never hammers a publisher. The answers
are recorded in ``LinkCheck`` (one row per source and link) by the calling thread; the
threads only talk HTTP.

Addresses on this machine or a private network are refused (``KB_LINK_CHECK_PRIVATE_
ADDRESSES`` allows them, for tests): the checker runs on the server, and a link typed in
the admin must not make it probe the server's own network.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kb.models import LinkCheck, LinkKind, Source


@dataclass(frozen=True)
class LinkAnswer:
    """What one URL answered: its HTTP status (None when there was no answer), where
    redirects led, the error when there was one, and whether the link works."""

    url: str
    status_code: int | None = None
    final_url: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        """A link works when it ends, after redirects, on a success (2xx)."""
        return not self.error and self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class LinkCheckSettings:
    """How the checker asks: from kb/settings.py unless the command says otherwise."""

    timeout: float
    max_redirects: int
    workers: int
    host_delay: float
    user_agent: str
    private_addresses: bool

    @classmethod
    def from_settings(cls, **overrides) -> LinkCheckSettings:
        """The site's settings, with any of them overridden (None keeps the setting)."""
        from_site = cls(
            timeout=float(settings.KB_LINK_CHECK_TIMEOUT),
            max_redirects=settings.KB_LINK_CHECK_MAX_REDIRECTS,
            workers=settings.KB_LINK_CHECK_WORKERS,
            host_delay=settings.KB_LINK_CHECK_HOST_DELAY_MS / 1000,
            user_agent=f"kb-link-checker/1 (+{settings.KB_SITE_URL}; checks cited sources)",
            private_addresses=settings.KB_LINK_CHECK_PRIVATE_ADDRESSES,
        )
        return replace(
            from_site, **{key: value for key, value in overrides.items() if value is not None}
        )


class LinkRefused(Exception):
    """A link the checker will not ask (a private address, a scheme other than the web's)."""


def _refuse_private(url: str, options: LinkCheckSettings) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LinkRefused("not a web address")
    if options.private_addresses:
        return
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return  # the request itself will say that the name does not resolve
    for *_, address in found:
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global:
            raise LinkRefused(f"refused: {parts.hostname} is a private or local address")


class _Redirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirects, at most ``max_redirects`` of them, each to a web address the
    checker may ask."""

    def __init__(self, options: LinkCheckSettings) -> None:
        self.options = options

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        # urllib's own limits count distinct addresses, so a loop between two of them runs
        # several rounds; this counts every redirect.
        followed = getattr(req, "kb_redirects", 0) + 1
        if followed > self.options.max_redirects:
            raise urllib.error.HTTPError(req.full_url, code, msg, headers, fp)
        try:
            _refuse_private(newurl, self.options)
        except LinkRefused as refusal:
            raise urllib.error.URLError(f"redirected to {newurl}: {refusal}") from None
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.kb_redirects = followed  # type: ignore[attr-defined]  # our own count
            new.method = req.get_method()  # urllib (before 3.12) turns a HEAD into a GET
        return new


def _opener(options: LinkCheckSettings) -> urllib.request.OpenerDirector:
    # Only HTTP and HTTPS: urllib's default opener also reads file:, ftp: and data: URLs.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _Redirects(options),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _ask(url: str, method: str, options: LinkCheckSettings) -> LinkAnswer:
    request = urllib.request.Request(
        url, method=method, headers={"User-Agent": options.user_agent, "Accept": "*/*"}
    )
    try:
        with _opener(options).open(request, timeout=options.timeout) as response:
            return LinkAnswer(url, response.status, response.geturl())
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:  # a redirect urllib would not follow: a loop, or too many
            return LinkAnswer(
                url,
                error.code,
                error.geturl() or "",
                f"redirect loop or more than {options.max_redirects} redirects",
            )
        return LinkAnswer(url, error.code, error.geturl() or "")
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return LinkAnswer(url, error=f"no answer within {options.timeout:g} s")
        return LinkAnswer(url, error=str(reason)[:500])
    except TimeoutError:
        return LinkAnswer(url, error=f"no answer within {options.timeout:g} s")
    except (http.client.HTTPException, OSError, ValueError) as error:
        return LinkAnswer(url, error=(str(error) or type(error).__name__)[:500])


def check_url(url: str, options: LinkCheckSettings) -> LinkAnswer:
    """What ``url`` answers: HEAD first, then GET when HEAD gets an error status (some
    servers refuse or mishandle HEAD). A timeout is not asked again."""
    try:
        _refuse_private(url, options)
    except LinkRefused as refusal:
        return LinkAnswer(url, error=str(refusal))
    answer = _ask(url, "HEAD", options)
    if answer.ok or answer.status_code is None:
        return answer
    return _ask(url, "GET", options)


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def check_urls(urls: Iterable[str], options: LinkCheckSettings) -> dict[str, LinkAnswer]:
    """Every URL's answer. Hosts are asked ``options.workers`` at a time; one host's URLs
    one after another, ``options.host_delay`` seconds apart."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in dict.fromkeys(urls):  # each URL once, in order
        by_host[_host(url)].append(url)

    def check_host(host_urls: list[str]) -> list[LinkAnswer]:
        answers = []
        for number, url in enumerate(host_urls):
            if number:
                time.sleep(options.host_delay)
            answers.append(check_url(url, options))
        return answers

    answers: dict[str, LinkAnswer] = {}
    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        for host_answers in pool.map(check_host, by_host.values()):
            answers.update((answer.url, answer) for answer in host_answers)
    return answers


def source_links(sources: Iterable[Source]) -> list[tuple[Source, LinkKind, str]]:
    """Each source's links to check: its URL and its archived copy's, when it has them."""
    return [
        (source, kind, url)
        for source in sources
        for kind in LinkKind
        if (url := getattr(source, kind.value))
    ]


def check_links(
    sources: Iterable[Source], options: LinkCheckSettings | None = None
) -> list[LinkCheck]:
    """Check every link of ``sources`` and record what each answered (``LinkCheck``);
    returns the records, broken ones first. A link a source no longer has loses its record."""
    options = options or LinkCheckSettings.from_settings()
    sources = list(sources)
    links = source_links(sources)
    answers = check_urls((url for _, _, url in links), options)
    now = timezone.now()
    checks = []
    with transaction.atomic():
        previous = {
            (check.source_id, check.link): check
            for check in LinkCheck.objects.filter(source__in=sources).select_for_update()
        }
        for source, kind, url in links:
            answer = answers[url]
            before = previous.pop((source.pk, kind.value), None)
            still_broken = before is not None and not before.ok and before.url == url
            check, _ = LinkCheck.objects.update_or_create(
                source=source,
                link=kind.value,
                defaults={
                    "url": url,
                    "checked_at": now,
                    "status_code": answer.status_code,
                    "final_url": answer.final_url[:1000],
                    "error": answer.error[:500],
                    "ok": answer.ok,
                    "broken_since": (
                        None
                        if answer.ok
                        else (before.broken_since if still_broken and before else now)
                    ),
                },
            )
            check.source = source
            checks.append(check)
        LinkCheck.objects.filter(pk__in=[check.pk for check in previous.values()]).delete()
    return sorted(checks, key=lambda check: (check.ok, check.source.public_id, check.link))
