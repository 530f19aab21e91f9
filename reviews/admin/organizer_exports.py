"""The review exports in the staff panel: ?event=<id>, for the event's organizers only.

They hang off the ranked list's admin (the list the figures come from); the event's Exports
page links them. A user who organizes nothing (a reviewer, even in blind review) is refused;
another event "does not exist".
"""

from django.contrib import admin
from django.urls import path

from reviews import exports
from reviews.admin import organizer_ranking
from reviews.models import RankedProposal

admin.site.unregister(RankedProposal)


@admin.register(RankedProposal)
class RankedProposalAdmin(organizer_ranking.RankedProposalAdmin):
    """The ranked list, with its reviews as files."""

    def get_urls(self):
        view = self.admin_site.admin_view

        def download(fmt):
            def export_view(request):
                event = self.organizer_event(request)
                return exports.reviews_response(event, request.user, fmt)

            return view(export_view)

        return [
            path("export/reviews.csv", download("reviews"), name="reviews_export_reviews_csv"),
            path(
                "export/review-aggregates.csv",
                download("proposals"),
                name="reviews_export_proposals_csv",
            ),
            path("export/reviews.json", download("json"), name="reviews_export_reviews_json"),
            *super().get_urls(),
        ]
