"""The accessibility crawl's tools: axe-core (WCAG 2.1 A and AA rules), sideways scrolling, console errors,
and the walk from link to link that visits each kind of page of a role."""

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from tenants.accessibilite import exceptions_declarees

AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING_IMPACTS = {"serious", "critical"}
# Axe runs where WCAG asks for a phone (375) and a desktop (1280); 320 is the reflow width (1.4.10),
# 640 is a 1280 screen at 200 % zoom (1.4.4): both are checked for sideways scrolling only.
AXE_WIDTHS = (375, 1280)
WIDTHS = (375, 320, 640, 1280)
PER_KIND = 2  # pages visited per URL pattern: a second learner's file tells little more than the first
MAX_PAGES = 150  # per role: the crawl fails when it is reached, so that no page kind is silently left out
NEVER_FOLLOW = re.compile(r"/comptes/logout/|/static/|/media/")


@dataclass
class Report:
    pages: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    exceptions_vues: set[int] = field(default_factory=set)


def page_kind(path: str, urlconf: str) -> str:
    try:
        match = resolve(path, urlconf=urlconf)
    except Resolver404:
        return f"404 {path}"
    return match.route


def axe_violations(page, kind: str, report: Report) -> list[str]:
    found = []
    for violation in AXE.run(page, options=AXE_OPTIONS).response["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        excused = [i for i, e in enumerate(exceptions_declarees())
                   if e["regle"] == violation["id"] and re.fullmatch(e["page"], kind)]
        if excused:
            report.exceptions_vues.update(excused)
            continue
        targets = ", ".join(str(n["target"]) for n in violation["nodes"][:3])
        found.append(f"{violation['id']} ({violation['impact']}) : {violation['help']} — {targets}")
    return found


def check_page(page, url: str, kind: str, report: Report) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            report.problems.append(f"{url} à {width} px : la page défile de côté ({overflow} px de trop)")
        if width in AXE_WIDTHS:
            for violation in axe_violations(page, kind, report):
                report.problems.append(f"{url} à {width} px : {violation}")


def crawl(page, start: str, *, urlconf: str, report: Report, label: str) -> None:
    """Follows every link of the start page's host, breadth first, visiting PER_KIND pages of each pattern."""
    host = urlsplit(start).netloc
    console: list[str] = []
    page.on("console", lambda message: message.type == "error" and console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    queue, seen, per_kind = [start], {start}, Counter()
    visited = 0
    while queue:
        if visited >= MAX_PAGES:
            report.problems.append(f"{label} : plus de {MAX_PAGES} pages, des types de page n'ont pas été vus")
            return
        url = queue.pop(0)
        kind = page_kind(urlsplit(url).path, urlconf)
        if per_kind[kind] >= PER_KIND:
            continue
        page.set_viewport_size({"width": 375, "height": 800})
        console.clear()
        try:
            response = page.goto(url, wait_until="load")
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue  # a file served inline (a TP sheet), not a page
        per_kind[kind] += 1
        visited += 1
        report.pages.append(f"{label} {url}")
        report.kinds.add(f"{label} {kind}")
        if response.status >= 400:
            report.problems.append(f"{label} {url} : réponse {response.status} (lien cassé ?)")
            continue
        check_page(page, f"{label} {url}", kind, report)
        report.problems.extend(f"{label} {url} : erreur de console : {text}" for text in console)
        for href in page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)"):
            link = urldefrag(href).url
            if urlsplit(link).netloc == host and link not in seen and not NEVER_FOLLOW.search(link):
                seen.add(link)
                queue.append(link)
