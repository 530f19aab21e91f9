"""Writing a service's values on a model instance, the one way."""

from collections.abc import Iterable, Mapping

from django.db import models


def assign(
    instance: models.Model, values: Mapping[str, object], allowed: Iterable[str]
) -> list[str]:
    """Set `values` on `instance` as a model form does (`Field.save_form_data`: a file field
    takes an upload, False to clear, None to keep); the names set. A name outside `allowed`
    is a caller's bug: ValueError, and nothing is set."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"{type(instance).__name__} takes no {', '.join(sorted(unknown))} here")
    for name, value in values.items():
        instance._meta.get_field(name).save_form_data(instance, value)
    return list(values)
