"""How each event's CfP form asks its optional built-in fields.

Each field is required (to submit), optional or not asked, with the event's own label and
help text. CfP.field_settings stores only what differs from the defaults below, which are
the form as it was before events could change it, so an event that changed nothing asks
exactly what it always did. A field that is not asked leaves the form, the speaker's and the
reviewer's pages, the public pages and the exports of that event.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction

from cfp.enums import FieldState

PROPOSAL_FIELDS = (
    "submission_type",
    "track",
    "experience_level",
    "audience",
    "benefits",
    "technical_requirements",
    "notes",
)
PROFILE_FIELDS = ("affiliation", "photo", "links")
FIELDS = (*PROPOSAL_FIELDS, *PROFILE_FIELDS)

DEFAULT_STATES = {
    "submission_type": FieldState.REQUIRED,
    "track": FieldState.REQUIRED,  # when the event has tracks
    "experience_level": FieldState.REQUIRED,
}
LABEL_MAX = 100
HELP_MAX = 300


def _model_field(name: str):
    # By name: cfp.models reads these settings (Proposal.missing_for_submission).
    model = ("cfp", "Proposal") if name in PROPOSAL_FIELDS else ("speakers", "SpeakerProfile")
    return apps.get_model(*model)._meta.get_field(name)


@dataclass(frozen=True)
class FieldConfig:
    """One built-in field as an event asks it."""

    name: str
    state: str
    label: str
    help_text: str

    @property
    def asked(self) -> bool:
        return self.state != FieldState.NOT_ASKED

    @property
    def required(self) -> bool:
        return self.state == FieldState.REQUIRED

    @property
    def default_label(self) -> str:
        return str(_model_field(self.name).verbose_name)

    @property
    def default_help_text(self) -> str:
        return str(_model_field(self.name).help_text)


def default_config(name: str) -> FieldConfig:
    field = _model_field(name)
    return FieldConfig(
        name=name,
        state=DEFAULT_STATES.get(name, FieldState.OPTIONAL),
        label=str(field.verbose_name),
        help_text=str(field.help_text),
    )


def field_config(cfp) -> dict[str, FieldConfig]:
    """Every optional built-in field, as this CfP asks it (the defaults without a CfP)."""
    stored = (cfp.field_settings if cfp is not None else None) or {}
    config = {}
    for name in FIELDS:
        default = default_config(name)
        own = stored.get(name) if isinstance(stored.get(name), dict) else {}
        state = own.get("state")
        config[name] = FieldConfig(
            name=name,
            state=state if state in FieldState.values else default.state,
            label=own.get("label") or default.label,
            help_text=own.get("help_text") if "help_text" in own else default.help_text,
        )
    return config


def event_fields(event) -> dict[str, FieldConfig]:
    """field_config of an event's CfP (read with the event: select_related("cfp"))."""
    return field_config(getattr(event, "cfp", None))


def settings_of(values: dict[str, dict]) -> dict[str, dict]:
    """What CfP.field_settings stores for these values ({name: {state, label, help_text}}):
    only what differs from the default, so that a later change of a default reaches every
    event that kept it."""
    stored = {}
    for name in FIELDS:
        given = values.get(name) or {}
        default = default_config(name)
        own = {}
        if given.get("state") and given["state"] != default.state:
            own["state"] = str(given["state"])
        label = (given.get("label") or "").strip()
        if label and label != default.label:
            own["label"] = label
        help_text = given.get("help_text")
        if help_text is not None and help_text.strip() != default.help_text:
            own["help_text"] = help_text.strip()
        if own:
            stored[name] = own
    return stored


def not_asked(event) -> frozenset[str]:
    """The names of the built-in fields this event does not ask."""
    return frozenset(name for name, c in event_fields(event).items() if not c.asked)


@transaction.atomic
def cfp_fields_update(
    *,
    cfp,
    by,
    settings: dict[str, dict],
    abstract_min_length: int,
    abstract_max_length: int,
) -> None:
    """Set how the CfP's form asks its built-in fields, and the abstract's limits. Only the
    event's organizers may. Proposals already made keep their values; a field no longer
    asked is no longer shown."""
    if not by.has_perm("cfp.organize_event", cfp.event):
        raise PermissionDenied
    cfp.field_settings = settings_of(settings)
    cfp.abstract_min_length = abstract_min_length
    cfp.abstract_max_length = abstract_max_length
    cfp.save(update_fields=["field_settings", "abstract_min_length", "abstract_max_length"])
