"""Saving with history: who changed a definition, when and why.

Every model whose definition matters for scoring carries
`simple_history.models.HistoricalRecords`. Services save through
`save_with_history` so the author and the reason land on the history row
written in the same transaction as the change.
"""

from django.db import models


def save_with_history(instance: models.Model, *, actor=None, reason: str = "", update_fields=None) -> None:
    """Save `instance` and record `actor` and `reason` on its history row."""
    if actor is not None and getattr(actor, "pk", None) is not None:
        instance._history_user = actor
    instance._change_reason = reason or ""
    if update_fields is not None:
        instance.save(update_fields=list(update_fields))
    else:
        instance.save()


def delete_with_history(instance: models.Model, *, actor=None, reason: str = "") -> None:
    if actor is not None and getattr(actor, "pk", None) is not None:
        instance._history_user = actor
    instance._change_reason = reason or ""
    instance.delete()


def assign_changed(instance: models.Model, values: dict) -> list[str]:
    """Set the attributes that differ and return their names."""
    changed = []
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def update_with_history(instance: models.Model, values: dict, *, actor=None, reason: str = "") -> list[str]:
    """Apply `values`, save only the changed fields with one history row, and return their names.

    Nothing is saved and no history is written when no value changed, so
    re-importing an unchanged strategy file leaves no trace.
    """
    changed = assign_changed(instance, values)
    if changed:
        clean_instance(instance)
        save_with_history(instance, actor=actor, reason=reason, update_fields=changed)
    return changed


def clean_instance(instance: models.Model, exclude: list[str] | None = None) -> None:
    """Run the model's field validators and raise `ValidationFailed` naming the first bad field."""
    from django.core.exceptions import ValidationError

    from hoshin.core.errors import ValidationFailed

    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            raise ValidationFailed(" ".join(str(m) for e in errors for m in e.messages), field=field) from exc
        raise ValidationFailed(" ".join(exc.messages)) from exc


def next_position(siblings: models.QuerySet) -> int:
    """Return the position after the last of `siblings`, so a new row sorts after them as a strategy file lists it."""
    last = siblings.aggregate(last=models.Max("position"))["last"]
    return 0 if last is None else last + 1
