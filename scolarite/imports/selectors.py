"""Reads on imports: the history, and one import of this establishment or a 404."""

from django.db.models.fields.json import KeyTransform
from django.shortcuts import get_object_or_404

from ..models import ImportFichier


def import_list(*, limit: int = 100) -> list[ImportFichier]:
    """The latest imports without their file or full report: one query."""
    return list(ImportFichier.objects.defer("contenu", "rapport").select_related("cree_par")
                .annotate(compte_lignes=KeyTransform("lignes", KeyTransform("compte", "rapport")),
                          erreurs=KeyTransform("erreurs", "rapport"))
                .order_by("-cree_le")[:limit])


def import_get(pk) -> ImportFichier:
    """Imports live in the establishment's schema: another establishment's do not exist here."""
    return get_object_or_404(ImportFichier.objects.defer("contenu").select_related("cree_par"), pk=pk)
