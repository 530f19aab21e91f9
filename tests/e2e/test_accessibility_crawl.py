"""axe-core on every page a person can reach, as they would reach it: by following links.

In the demo data (`seed_demo`, as `make run` has it, with tests/pages.py's additions), an
organizer and a reviewer each start at the staff panel's dashboard, and a speaker at the site's
front page; from there the crawl follows every link that stays on their side of the site
(the staff panel for staff, everything but the staff panel for the speaker), one page of each
kind (the URL's name, and whether it carries a filter or an event), plus the pages
tests/pages.py lists for each role. Every page must:

- answer 200 (a link that answers 403, 404 or 500 is a broken link; a redirect is followed);
- have no serious or critical axe-core violation at 1280 px and at 390 px wide;
- not scroll sideways at 390 px (wide tables scroll inside their own box);
- for the reviewer, in the demo's blind review: name no speaker of the event.

All failures are gathered and reported at once, each page's screenshot saved in
test-artifacts/screenshots/crawl/. Downloads (exports, calendars) are not pages and are skipped,
and so is logging out.
"""

import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import Resolver404, resolve

from reviews.models import ReviewSettings
from speakers.models import User
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import SCREENSHOT_DIR, screenshot_taker
from tests.pages import DEMO_PASSWORD, ORGANIZER, REVIEWER, demo_pages

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Query parameters that change the order, page or search of a list, not what kind of page it is.
NOT_A_KIND = {"_changelist_filters", "o", "p", "q", "_facets", "day", "all"}
GENERIC = re.compile(r"_(history|delete)$")
NEVER = re.compile(r"/logout/|/accounts/(confirm-email|password/reset/key)/")
# A safety net: a crawl that finds more kinds of page than this has lost its way.
MOST_PAGES = 150


def page_kind(url: str) -> tuple:
    """What kind of page a URL is: its route's name, and whether it is filtered, a popup or
    about one event. A URL no route answers is its own kind (the crawl fetches it and fails)."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return (parts.path,)
    name = match.view_name
    if GENERIC.search(name):  # Django's own history and delete pages: one template for all
        name = GENERIC.search(name).group(0)
    keys = {key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    return (
        name,
        bool(keys - NOT_A_KIND - {"_popup", "event"}),
        *sorted(keys & {"_popup", "event"}),
    )


class Crawl:
    """A breadth-first walk over one person's side of the site, in their logged-in browser."""

    def __init__(
        self,
        page,
        base: str,
        name: str,
        *,
        inside: str,
        outside: str | None = None,
        unseen: tuple[str, ...] = (),
    ):
        self.page = page
        self.unseen = unseen  # words no page may show this person (blind review)
        self.base = base
        self.inside = inside
        self.outside = outside
        self.seen: set[tuple] = set()
        self.checked: list[str] = []
        self.failures: list[str] = []
        self.shot_folder = SCREENSHOT_DIR / "crawl" / name
        self.shot = screenshot_taker(self.shot_folder)

    def ours(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.netloc != urlsplit(self.base).netloc or NEVER.search(parts.path):
            return False
        if self.outside and parts.path.startswith(self.outside):
            return False
        return parts.path.startswith(self.inside)

    def run(self, starts: list[str]) -> None:
        queue = deque(self.base + path for path in starts)
        while queue and len(self.checked) < MOST_PAGES:
            url = queue.popleft().split("#")[0]
            kind = page_kind(url)
            if kind in self.seen:
                continue
            self.seen.add(kind)
            for link in self.check(url):
                if self.ours(link):
                    queue.append(link)

    def check(self, url: str) -> list[str]:
        """Check one page and return its links."""
        response = self.page.request.get(url, max_redirects=0)
        if 300 <= response.status < 400:
            location = response.headers["location"]
            return [location if location.startswith("http") else self.base + location]
        content_type = response.headers.get("content-type", "")
        if response.status != 200:
            self.failures.append(f"{url}: HTTP {response.status}")
            return []
        if not content_type.startswith("text/html"):
            return []  # a download: an export, a calendar, a file
        self.page.set_viewport_size(DESKTOP)
        self.page.goto(url)
        self.checked.append(url)
        links = self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        problems = []
        shown = self.page.content()
        problems.extend(f"shows “{word}”" for word in self.unseen if word in shown)
        violations = axe_violations(self.page)
        if violations:
            problems.append(f"at 1280 px:\n{describe(violations)}")
        self.page.set_viewport_size(PHONE)
        self.page.wait_for_timeout(150)  # scripts that follow the width (charts, inline boxes)
        violations = axe_violations(self.page)
        if violations:
            problems.append(f"at 390 px:\n{describe(violations)}")
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"at 390 px the page is {width} px wide")
        if problems:
            path = self.shot(self.page, urlsplit(url).path.strip("/") or "home")
            self.failures.append(f"{url} ({path.name}): " + "\n".join(problems))
        return links


def crawl(new_page, site, name: str, email: str | None, starts: list[str], **where) -> Crawl:
    page = new_page()
    if email is not None:
        page.goto(site.url + "/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"^(?!.*/accounts/login/)"))
    walk = Crawl(page, site.url, name, **where)
    walk.run(starts)
    return walk


def assert_clean(walk: Crawl, at_least: int) -> None:
    # What was checked, for a person to read: test-artifacts/screenshots/crawl/<role>/pages.txt.
    (walk.shot_folder / "pages.txt").write_text("\n".join(walk.checked) + "\n")
    assert len(walk.checked) >= at_least, f"the crawl found only {walk.checked}"
    assert not walk.failures, f"{len(walk.failures)} of {len(walk.checked)} pages:\n\n" + (
        "\n\n".join(walk.failures)
    )


def test_every_staff_page_an_organizer_reaches_is_accessible_at_both_widths(
    transactional_db, site, new_page
):
    pages = demo_pages()
    walk = crawl(
        new_page, site, "organizer", ORGANIZER, ["/admin/", *pages.organizer], inside="/admin/"
    )
    # The dashboard, the lists, forms, the schedule, the review pages, the outbox, exports…
    assert_clean(walk, at_least=40)


def test_every_staff_page_a_reviewer_reaches_is_accessible_at_both_widths_and_blind(
    transactional_db, site, new_page
):
    pages = demo_pages()
    # The demo's review is blind: no page the reviewer reaches names a speaker of the event.
    assert ReviewSettings.objects.get(event=pages.event).blind
    speakers = User.objects.filter(proposals__event=pages.event).exclude(email=REVIEWER)
    identities = {word for user in speakers for word in (user.email, user.display_name)}
    walk = crawl(
        new_page,
        site,
        "reviewer",
        REVIEWER,
        ["/admin/", *pages.reviewer],
        inside="/admin/",
        unseen=tuple(sorted(identities)),
    )
    assert_clean(walk, at_least=5)


def test_the_accounts_pages_a_superuser_reaches_are_accessible_at_both_widths(
    transactional_db, site, new_page
):
    demo_pages()
    admin = User.objects.create_superuser(email="root@example.com", password=DEMO_PASSWORD)
    walk = crawl(
        new_page, site, "superuser", admin.email, ["/admin/speakers/"], inside=("/admin/speakers/")
    )
    # The accounts' list, an account's page (its dates, its addresses inline), the add form.
    assert_clean(walk, at_least=3)


def test_every_page_a_speaker_and_a_visitor_reach_is_accessible_at_both_widths(
    transactional_db, site, new_page
):
    pages = demo_pages()
    speaker = crawl(
        new_page,
        site,
        "speaker",
        pages.speaker_email,
        ["/", *pages.speaker, *pages.public],
        inside="/",
        outside="/admin/",
    )
    assert_clean(speaker, at_least=15)
    visitor = crawl(
        new_page, site, "visitor", None, ["/", *pages.public], inside="/", outside="/admin/"
    )
    assert_clean(visitor, at_least=8)
