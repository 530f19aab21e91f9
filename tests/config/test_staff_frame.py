"""What every staff page pays before its own work (issue 15, "speed of the staff side"): the
session, and the user with their profile and whether they organize or review anything, in
one query. No permission rows (Lectern's permissions are rules), and the sections of the side
navigation built once per request. The events and teams themselves are read by the pages that
need them, never by the frame."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    EventFactory,
    ProfileFactory,
    ProposalFactory,
    ReviewerTeamFactory,
    UserFactory,
)
from tests.helpers import page


@pytest.fixture
def organizer(db):
    user = UserFactory(is_staff=True)
    ProfileFactory(user=user, name="Olga Organizer")
    EventFactory(organizers=[user])
    return user


def captured(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_a_staff_page_reads_no_permission_rows_and_the_name_with_the_user(client, organizer):
    client.force_login(organizer)

    response, queries = captured(client, reverse("admin:app_list", args=["cfp"]))

    assert "Olga Organizer" in response.content.decode()  # the header's name
    assert not [q for q in queries if "auth_permission" in q or "auth_group" in q]
    assert not [q for q in queries if q.startswith('SELECT "speakers_speakerprofile"')]
    # The session; the user with the profile and whether they organize or review anything.
    assert len(queries) == 2, queries
    assert not [q for q in queries if "cfp_event" in q and "organizers" not in q]
    assert not [q for q in queries if q.startswith('SELECT "reviews_reviewerteam"')]


@pytest.mark.django_db
def test_a_reviewer_frame_reads_no_teams_and_no_events(client):
    reviewer = UserFactory(is_staff=True)
    ReviewerTeamFactory(event=EventFactory(), members=[reviewer])
    client.force_login(reviewer)

    response, queries = captured(client, reverse("admin:app_list", args=["reviews"]))

    assert reverse("admin:reviews_reviewqueueitem_changelist") in response.content.decode()
    assert len(queries) == 2, queries


@pytest.mark.django_db
def test_roles_are_read_afresh_on_every_request(client, organizer):
    """Whether the user organizes or reviews comes with the user on each request: a role taken
    away shows at once, on the next page."""
    event = organizer.organized_events.get()
    client.force_login(organizer)
    proposals = reverse("admin:cfp_proposal_changelist")
    queue = reverse("admin:reviews_reviewqueueitem_changelist")
    first = client.get(reverse("admin:app_list", args=["cfp"])).content.decode()
    assert proposals in first and queue not in first

    event.organizers.remove(organizer)
    ReviewerTeamFactory(event=event, members=[organizer])
    second = page(client.get(reverse("admin:app_list", args=["reviews"])))

    assert proposals not in second and queue in second
    assert client.get(proposals).status_code == 403


@pytest.mark.django_db
def test_the_sections_are_built_once_for_the_navigation_and_the_page(client, organizer):
    from django.contrib import admin

    from config.admin import LecternAdminSite

    builds = []
    original = LecternAdminSite._sections

    def counting(site, request):
        builds.append(None)
        return original(site, request)

    client.force_login(organizer)
    LecternAdminSite._sections = counting
    try:
        index, _ = captured(client, reverse("admin:app_list", args=["cfp"]))
        index_builds, builds[:] = list(builds), []
        tags, _ = captured(client, reverse("admin:cfp_tag_changelist"))
    finally:
        LecternAdminSite._sections = original

    assert isinstance(admin.site, LecternAdminSite)
    assert index_builds == [None] and builds == [None]
    # The app's page lists its sections; a list's side navigation every app the user may open.
    assert reverse("admin:cfp_proposal_changelist") in index.content.decode()
    navigation = tags.content.decode().split('id="nav-sidebar"')[1]
    assert reverse("admin:cfp_proposal_changelist") in navigation
    assert reverse("admin:reviews_rankedproposal_changelist") in navigation


@pytest.mark.django_db
def test_django_permission_rows_grant_nothing(client):
    """A permission row (given by hand in the database, say) is not a way into the panel:
    only the rules' roles are. The user is staff but organizes nothing."""
    staff = UserFactory(is_staff=True)
    group = Group.objects.create(name="editors")
    perms = Permission.objects.filter(
        content_type__app_label__in=["cfp", "auth"],
        codename__in=["view_proposal", "change_proposal", "view_group", "change_group"],
    )
    group.permissions.set(perms)
    staff.groups.add(group)
    staff.user_permissions.set(perms)
    proposal = ProposalFactory()
    client.force_login(staff)

    assert not staff.has_perm("cfp.change_proposal")
    assert not staff.has_module_perms("auth")
    assert client.get(reverse("admin:cfp_proposal_changelist")).status_code == 403
    assert client.get(reverse("admin:cfp_proposal_change", args=[proposal.pk])).status_code in (
        403,
        404,
        302,
    )
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


@pytest.mark.django_db
def test_a_superuser_still_opens_every_section(client):
    root = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(root)

    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200
    assert client.get(reverse("admin:cfp_proposal_changelist")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["organizer", "reviewer", "superuser"])
def test_the_sections_are_djangos_own(rf, organizer, role):
    """The sections' addresses are reversed once (config.admin._section_urls); who may open
    which section is asked per request: the result is Django's own build, for every role."""
    from django.contrib import admin

    from speakers.backends import PasswordBackend

    if role == "reviewer":
        user = UserFactory(is_staff=True)
        ReviewerTeamFactory(event=organizer.organized_events.get(), members=[user])
    elif role == "superuser":
        user = UserFactory(is_staff=True, is_superuser=True)
    else:
        user = organizer

    def fresh_request():
        request = rf.get("/admin/")
        request.user = PasswordBackend().get_user(user.pk)  # with its flags, as a request's
        return request

    ours = admin.site._build_app_dict(fresh_request())
    djangos = admin.AdminSite._build_app_dict(admin.site, fresh_request())

    assert ours == djangos
    assert ours  # every role sees some section
    assert admin.site._build_app_dict(fresh_request(), "cfp") == admin.AdminSite._build_app_dict(
        admin.site, fresh_request(), "cfp"
    )


@pytest.mark.django_db
def test_the_sections_addresses_follow_the_script_prefix(rf, organizer):
    """Addresses are kept per script prefix: a site served under /lectern/ links there."""
    from django.contrib import admin
    from django.urls import get_script_prefix, set_script_prefix

    from speakers.backends import PasswordBackend

    before = get_script_prefix()
    request = rf.get("/admin/")
    request.user = PasswordBackend().get_user(organizer.pk)
    plain = admin.site._build_app_dict(request)
    try:
        set_script_prefix("/lectern/")
        request = rf.get("/admin/")
        request.user = PasswordBackend().get_user(organizer.pk)
        prefixed = admin.site._build_app_dict(request)
    finally:
        set_script_prefix(before)

    assert plain["cfp"]["app_url"] == "/admin/cfp/"
    assert prefixed["cfp"]["app_url"] == "/lectern/admin/cfp/"
    assert all(m["admin_url"].startswith("/lectern/admin/") for m in prefixed["cfp"]["models"])
