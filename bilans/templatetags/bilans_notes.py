"""The period grade on the existing bilan pages, whose views stay as they are: `{% notes_finales vues as notes %}`
reads the grades in force of a page's bilans in one query, `{% with note=notes|note_de:bilan.pk %}` picks one."""

from django import template

from ..selectors_notes import notes_finales_of

register = template.Library()


@register.simple_tag
def notes_finales(bilans) -> dict:
    """`bilans`: a bilan, or bilans, or BilanVue objects (their `bilan`); only validated bilans have grades."""
    if not isinstance(bilans, list | tuple):
        bilans = [bilans]
    ids = [getattr(b, "bilan", b).pk for b in bilans if getattr(b, "bilan", b).valide]
    return notes_finales_of(ids) if ids else {}


@register.filter
def note_de(notes: dict, bilan_pk):
    return notes.get(bilan_pk) if notes else None
