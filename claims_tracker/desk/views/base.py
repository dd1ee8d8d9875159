"""What every desk view shares: the role check, landing back, and service errors on forms."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from claims_tracker.accounts.decorators import editor_required  # noqa: F401 - re-exported
from claims_tracker.claims.services import ServiceError


def next_url(request: HttpRequest, default: str) -> str:
    """Where the editor came from (a `next` field or parameter), if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def apply_error(form: forms.Form, exc: ServiceError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the field it names, or on the form as a whole."""
    name = (aliases or {}).get(exc.field or "", exc.field)
    form.add_error(name if name in form.fields else None, exc.message)


def rebind(form_class: type[forms.Form], data, version: int, **kwargs) -> forms.Form:
    """The editor's typed data again, now carrying the version saved in the database."""
    data = data.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


def differences(form: forms.Form, saved: dict[str, object]) -> list[dict[str, str]]:
    """Fields where what the editor typed differs from what is saved now."""
    out = []
    for name, value in saved.items():
        if name == "version" or name not in form.fields:
            continue
        typed = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if _norm(typed) != _norm(value):
            out.append(
                {
                    "label": form.fields[name].label or name.replace("_", " ").capitalize(),
                    "saved": _show(value),
                    "typed": _show(typed),
                }
            )
    return out


def _norm(value) -> object:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple, set)) or hasattr(value, "__iter__") and not isinstance(value, str):
        return sorted(getattr(v, "pk", v) for v in value)
    if isinstance(value, str):
        return value.strip()
    return value if value is not None else ""


def _show(value) -> str:
    if value in (None, ""):
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %b %Y, %H:%M") if hasattr(value, "hour") else value.strftime("%-d %b %Y")
    if hasattr(value, "__iter__") and not isinstance(value, str):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)
