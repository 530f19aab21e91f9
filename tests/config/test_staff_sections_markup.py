"""The list of sections (side navigation, an app's index) is drawn in Python
(cfp/templatetags/staff_nav.py): the same elements, attributes and words as Django's own
admin/app_list.html, whitespace aside."""

from html.parser import HTMLParser
from pathlib import Path

import django.contrib.admin
import pytest
from django.contrib import admin
from django.template import engines
from django.test import RequestFactory

from tests.factories import EventFactory, UserFactory

DJANGOS = Path(django.contrib.admin.__file__).parent / "templates" / "admin" / "app_list.html"


class _Markup(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.items: list[tuple] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.items.append(("start", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.items.append(("end", tag))

    def handle_data(self, data):
        if data.split():
            self.items.append(("text", " ".join(data.split())))


@pytest.mark.django_db
@pytest.mark.parametrize("show_changelinks", [False, True])
@pytest.mark.parametrize("path", ["/admin/cfp/proposal/", "/admin/reviews/", "/admin/"])
def test_sections_read_as_djangos_own_list(path, show_changelinks):
    organizer = UserFactory(is_staff=True)
    EventFactory(organizers=[organizer])
    request = RequestFactory().get(path)
    request.user = organizer
    context = {
        "app_list": admin.site.get_app_list(request),
        "show_changelinks": show_changelinks,
        "request": request,
    }
    engine = engines["django"]

    ours = engine.get_template("admin/app_list.html").render(context, request)
    theirs = engine.from_string(DJANGOS.read_text()).render(context, request)

    assert _Markup(ours).items == _Markup(theirs).items
    assert ("current-model" in ours) is (path == "/admin/cfp/proposal/")
    assert ("changelink" in ours) is show_changelinks


@pytest.mark.django_db
def test_no_sections_say_so():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True)
    context = {"app_list": [], "show_changelinks": True, "request": request}
    engine = engines["django"]

    ours = engine.get_template("admin/app_list.html").render(context, request)
    theirs = engine.from_string(DJANGOS.read_text()).render(context, request)

    assert _Markup(ours).items == _Markup(theirs).items
    assert "permission to view or edit anything" in ours
