"""The kinds of document cpro prints. Each app that owns the data registers its kinds in its `documents.py`
(read when Django starts): `documents` never imports `livret`, which nobody imports (docs/architecture.md).

A kind turns a learner (and options) into a template context; the rendering, the storage, the batches and the
access checks are the same for every kind (documents.services, documents.access)."""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps


class Indisponible(Exception):
    """Nothing to print for this learner (no validated bilan, no bilan entreprise…): the message says what, in
    French, and the person sees it instead of a document."""


@dataclass(frozen=True)
class Kind:
    code: str  # attestation, livret, bilan, ccf, bilan_entreprise
    label: str  # « Attestation de compétences »
    template: str  # templates/documents/<code>.html, extending documents/base.html
    context: Callable[..., dict]  # context(apprenant, **options) -> dict, or raises Indisponible
    apprenant: bool = True  # the learner may download it (never for the CCF grid: its proposed grade)
    tuteur: bool = False  # the learner's tutor may download it (the company side only)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> Kind:
    return KINDS[code]


def load_all() -> None:
    for config in apps.get_app_configs():
        try:
            import_module(f"{config.name}.documents")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.documents":
                raise
