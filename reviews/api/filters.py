"""The proposal list's filters and orderings. A value that cannot be used is a 400 naming the
parameter, never a filter silently dropped."""

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from cfp.enums import ProposalState
from config.api import BadParameter, StrictOrdering
from reviews.api import selectors

UNIQUE_LAST = ("pk", "-pk", "code", "-code", "slug", "-slug", "id", "-id")


class TieBrokenOrdering(StrictOrdering):
    """StrictOrdering, ending in the primary key when the chosen fields are not unique: the
    cursor pages then keep one order, however many rows share a title or a moment."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and ordering[-1] not in UNIQUE_LAST:
            ordering = [*ordering, "pk"]
        return ordering


@extend_schema_field(OpenApiTypes.STR)
class StatesFilter(django_filters.CharFilter):
    """One state or several (`?state=submitted,accepted`, or the parameter repeated)."""

    def filter(self, qs, value):
        if not value:
            return qs
        given = self.parent.request.query_params.getlist(self.field_name)
        states = [s.strip() for part in given for s in part.split(",") if s.strip()]
        unknown = [s for s in states if s not in ProposalState.values]
        if unknown or not states:
            raise BadParameter(
                self.field_name,
                _("Give states among: %(states)s.") % {"states": ", ".join(ProposalState.values)},
            )
        # The view's standing in the event: whose proposals read in the speakers' view.
        view = self.parent.request.parser_context["view"]
        return qs.filter(selectors.in_states(view.place, states))


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number (anything else is a 400)."""

    field_class = forms.IntegerField


class TagFilter(IdFilter):
    """Proposals with this tag, among the tags the caller sees on them (selectors.with_tag)."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(selectors.with_tag(int(value)))


class ProposalFilter(django_filters.FilterSet):
    state = StatesFilter(
        field_name="state",
        help_text=gettext_lazy(
            "One state or several, separated by commas. Speakers filter by the state they see."
        ),
    )
    track = IdFilter(field_name="track_id", help_text=gettext_lazy("A track's id."))
    tag = TagFilter(help_text=gettext_lazy("A tag's id (tags the caller may see)."))
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=gettext_lazy("An ISO 8601 date and time: proposals changed since then."),
    )

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        # `type` is the parameter's name; a class attribute of that name would shadow the
        # builtin for the whole class body.
        filters["type"] = IdFilter(
            field_name="submission_type_id",
            help_text=gettext_lazy("A submission type's id."),
        )
        return filters
