"""A question's statistics page in the staff panel: how it was answered, as a table (always
there, readable without JavaScript and by screen readers) and as a chart drawn by
static/js/question-stats.js from the data block beside it (no inline script).
"""

from django.contrib import admin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cfp.answer_stats import question_statistics
from cfp.models import Question


def statistics_view(request, pk: int):
    """For the organizers of the question's event (and superusers); anyone else: a 404."""
    question = get_object_or_404(Question.objects.select_related("event"), pk=pk)
    if not request.user.has_perm("cfp.organize_event", question.event):
        raise Http404("No such question.")
    stats = question_statistics(question)
    context = {
        **admin.site.each_context(request),
        "title": _("Statistics: %(question)s") % {"question": question.question},
        "question": question,
        "event": question.event,
        "stats": stats,
        "chart": stats.chart,
    }
    request.current_app = admin.site.name
    return TemplateResponse(request, "admin/cfp/question_statistics.html", context)
