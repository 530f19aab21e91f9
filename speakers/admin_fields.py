"""What every form of the staff panel shares, whichever app's it is (speakers is the lowest
layer, so cfp's and reviews' pages and the accounts' pages can all use it): inputs a screen
reader can name. Django's admin leaves two kinds unnamed (axe: "Form elements must have
labels"): the two boxes of a date and time, and the inputs of a tabular inline."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class NamedSplitDateTime(AdminSplitDateTime):
    """Django's date-and-time input, with each of its two boxes named. The stock widget prints
    "Date:" and "Time:" as plain text beside the boxes, which a screen reader does not tie to
    them (axe: "Form elements must have labels"); the field's own name is the legend of the
    fieldset Django draws around the pair."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(
            context["widget"]["subwidgets"], (_("Date"), _("Time")), strict=True
        ):
            subwidget["attrs"]["aria-label"] = label
        return context


class NamedFieldsMixin:
    """Every input of a staff form has a name a screen reader can read: the date-and-time pair
    (above), and the inputs of a tabular inline, whose only visible label is the column's
    heading (a <th>, which names no input): each gets its field's label."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DateTimeField) and "widget" not in kwargs:
            kwargs["widget"] = NamedSplitDateTime
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(self, admin.TabularInline):
            field.widget.attrs.setdefault("aria-label", capfirst(field.label))
        return field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if not isinstance(self, admin.TabularInline):
            return formset

        class NamedFormSet(formset):
            # The "Delete?" box of each row is added by the formset, not by a model field.
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs.setdefault("aria-label", _("Delete"))

        return NamedFormSet
