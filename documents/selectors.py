"""Reads of the documents engine. Lists run a fixed number of queries whatever their length."""


from . import kinds
from .access import documents_visible
from .models import Document, Lot


def kind_label(code: str) -> str:
    kind = kinds.KINDS.get(code)
    return kind.label if kind else code


def documents_of(user, apprenant, *, codes: list[str]) -> list[Document]:
    """`apprenant`'s documents `user` sees, newest first, of `codes` kinds: one query."""
    documents = list(documents_visible(user).filter(apprenant=apprenant, kind__in=codes)
                     .select_related("created_by").order_by("-created_at", "-id")[:200])
    for document in documents:
        document.kind_label = kind_label(document.kind)
    return documents


def lots_of_classe(classe, *, limit: int = 20) -> list[Lot]:
    """The classe's latest lots with who asked: one query."""
    lots = list(Lot.objects.filter(classe=classe).select_related("requested_by").order_by("-created_at", "-id")[:limit])
    for lot in lots:
        lot.kind_label = kind_label(lot.kind)
    return lots


def lot_documents(lot: Lot) -> list[Document]:
    """A lot's documents with their learner, by name: one query."""
    return list(lot.documents.select_related("apprenant").order_by("apprenant__nom", "apprenant__prenom", "pk"))


