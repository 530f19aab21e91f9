"""An event's "Form fields" page in the staff panel: how its CfP form asks each optional
built-in field (required, optional, not asked; its label and help text) and how long the
abstract may be. Linked from the event's change form; only the event's organizers get in."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cfp import fields as form_fields
from cfp.admin.exports import organized_event
from cfp.enums import FieldState
from cfp.models import CfP
from cfp.models.proposal import ABSTRACT_LIMIT
from speakers.validators import validate_no_markup, validate_one_line_text

TEMPLATE = "admin/cfp/event/form_fields.html"


class FieldSettingsForm(forms.Form):
    """One row per optional built-in field (`<name>-state`, `-label`, `-help_text`), and the
    abstract's limits."""

    abstract_min_length = forms.IntegerField(
        label=gettext_lazy("Shortest abstract (characters)"),
        min_value=0,
        max_value=ABSTRACT_LIMIT,
        help_text=gettext_lazy("0: no minimum. Drafts may be shorter; a submission may not."),
    )
    abstract_max_length = forms.IntegerField(
        label=gettext_lazy("Longest abstract (characters)"),
        min_value=1,
        max_value=ABSTRACT_LIMIT,
    )

    def __init__(self, *args, cfp: CfP, **kwargs):
        initial = {
            "abstract_min_length": cfp.abstract_min_length,
            "abstract_max_length": cfp.abstract_max_length,
        }
        for name, config in form_fields.field_config(cfp).items():
            initial[f"{name}-state"] = config.state
            initial[f"{name}-label"] = config.label
            initial[f"{name}-help_text"] = config.help_text
        super().__init__(*args, initial=initial, **kwargs)
        self.rows = []
        for name in form_fields.FIELDS:
            default = form_fields.default_config(name)
            self.fields[f"{name}-state"] = forms.ChoiceField(
                label=_("How “%(field)s” is asked") % {"field": default.label},
                choices=FieldState.choices,
            )
            self.fields[f"{name}-label"] = forms.CharField(
                label=_("Label of “%(field)s”") % {"field": default.label},
                max_length=form_fields.LABEL_MAX,
                required=False,
                validators=[validate_one_line_text, validate_no_markup],
                help_text=_("Empty: “%(default)s”.") % {"default": default.label},
            )
            self.fields[f"{name}-help_text"] = forms.CharField(
                label=_("Help text of “%(field)s”") % {"field": default.label},
                max_length=form_fields.HELP_MAX,
                required=False,
                validators=[validate_one_line_text, validate_no_markup],
            )
            self.rows.append(
                {
                    "name": name,
                    "default": default,
                    "profile": name in form_fields.PROFILE_FIELDS,
                    "state": self[f"{name}-state"],
                    "label": self[f"{name}-label"],
                    "help_text": self[f"{name}-help_text"],
                }
            )

    def clean(self):
        data = super().clean()
        shortest, longest = data.get("abstract_min_length"), data.get("abstract_max_length")
        if shortest is not None and longest is not None and shortest > longest:
            raise ValidationError(
                {
                    "abstract_min_length": _(
                        "The shortest abstract cannot be longer than the longest (%(longest)s)."
                    )
                    % {"longest": longest}
                }
            )
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "settings": {
                name: {
                    "state": data[f"{name}-state"],
                    "label": data[f"{name}-label"],
                    "help_text": data[f"{name}-help_text"],
                }
                for name in form_fields.FIELDS
            },
            "abstract_min_length": data["abstract_min_length"],
            "abstract_max_length": data["abstract_max_length"],
        }


def urls(model_admin) -> list:
    view = model_admin.admin_site.admin_view

    def page(request, object_id):
        return form_fields_page(model_admin, request, object_id)

    return [path("<path:object_id>/form-fields/", view(page), name="cfp_event_form_fields")]


def form_fields_page(model_admin, request, object_id: str):
    event = organized_event(request, object_id)
    cfp = CfP.objects.filter(event=event).first()
    if cfp is None:
        messages.error(request, _("This event has no call for papers yet."))
        return HttpResponseRedirect(reverse("admin:cfp_event_change", args=[event.pk]))
    form = FieldSettingsForm(request.POST or None, cfp=cfp)
    if request.method == "POST" and form.is_valid():
        form_fields.cfp_fields_update(cfp=cfp, by=request.user, **form.values())
        messages.success(request, _("The form fields of %(event)s are saved.") % {"event": event})
        return HttpResponseRedirect(request.path)
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(
        request,
        TEMPLATE,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": _("Form fields: %(event)s") % {"event": event.name},
            "event": event,
            "original": event,
            "form": form,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
