from django.urls import path

from cfp import views
from cfp.programme import views as public_views

app_name = "cfp"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/proposals/", views.my_proposals, name="my_proposals"),
    path("preview/markdown/", views.markdown_preview, name="markdown_preview"),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation"),
    path("invitations/<str:token>/decline/", views.invitation_decline, name="invitation_decline"),
    path("<slug:event>/", views.event_cfp, name="event"),
    path("<slug:event>/submit/", views.proposal_create, name="proposal_create"),
    # The public programme: only what the newest published schedule holds.
    path("<slug:event>/talks/", public_views.talk_list, name="talks"),
    path("<slug:event>/talks/<str:code>/", public_views.talk_detail, name="talk"),
    path("<slug:event>/talks/<str:code>.ics", public_views.talk_ical, name="talk_ical"),
    path("<slug:event>/speakers/<int:pk>/", public_views.speaker_detail, name="speaker"),
    path("<slug:event>/schedule/", public_views.schedule, name="schedule"),
    path("<slug:event>/schedule.ics", public_views.schedule_ical, name="schedule_ical"),
    path("<slug:event>/schedule.xml", public_views.schedule_xml, name="schedule_xml"),
    path("<slug:event>/schedule.json", public_views.schedule_json, name="schedule_json"),
    path("<slug:event>/answers/<int:pk>/file/", views.answer_file, name="answer_file"),
    path("<slug:event>/proposals/<str:code>/", views.proposal_detail, name="proposal"),
    path("<slug:event>/proposals/<str:code>/edit/", views.proposal_edit, name="proposal_edit"),
    path(
        "<slug:event>/proposals/<str:code>/submit/", views.proposal_submit, name="proposal_submit"
    ),
    path(
        "<slug:event>/proposals/<str:code>/withdraw/",
        views.proposal_withdraw,
        name="proposal_withdraw",
    ),
    path(
        "<slug:event>/proposals/<str:code>/delete/", views.proposal_delete, name="proposal_delete"
    ),
    path(
        "<slug:event>/proposals/<str:code>/confirm/",
        views.proposal_confirm,
        name="proposal_confirm",
    ),
    path(
        "<slug:event>/proposals/<str:code>/availability/",
        views.proposal_availability,
        name="proposal_availability",
    ),
    path(
        "<slug:event>/proposals/<str:code>/decline/",
        views.proposal_decline,
        name="proposal_decline",
    ),
    path(
        "<slug:event>/proposals/<str:code>/slides/",
        public_views.proposal_slides,
        name="proposal_slides",
    ),
    path(
        "<slug:event>/proposals/<str:code>/speakers/<int:pk>/move/",
        views.speaker_move,
        name="speaker_move",
    ),
    path(
        "<slug:event>/proposals/<str:code>/invite/",
        views.invitation_create,
        name="invitation_create",
    ),
    path(
        "<slug:event>/proposals/<str:code>/invitations/<int:pk>/retract/",
        views.invitation_retract,
        name="invitation_retract",
    ),
]
