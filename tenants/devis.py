"""Quotes and invoices of a subscription year, as PDF (templates/documents/devis.html, facture.html): the
platform operator sells, the establishment buys. Small documents: rendered in the request, not by a worker.

Numbers are stable (the same document always carries the same number): D-<year>-<subscription> for the quote,
F-<year>-<subscription> for the invoice, <year> being the school year's first year."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from .annees import annee_scolaire_label
from .models import Abonnement
from .selectors import abonnement_reste_a_payer, abonnement_total, referentiel_intitules


@dataclass(frozen=True)
class LigneFacturee:
    designation: str
    detail: str
    prix: Decimal


def numero(abonnement: Abonnement, kind: str) -> str:
    return f"{'D' if kind == 'devis' else 'F'}-{abonnement.annee_scolaire}-{abonnement.pk:05d}"


def _contexte(abonnement: Abonnement, kind: str) -> dict:
    label = annee_scolaire_label(abonnement.annee_scolaire)
    lignes_catalogue = list(abonnement.lignes.all())
    intitules = referentiel_intitules({line.referentiel_code for line in lignes_catalogue})
    lignes = [LigneFacturee(f"Application cpro — année scolaire {label}",
                            "Livret d'apprentissage numérique, tous les comptes de l'établissement",
                            abonnement.prix_application)]
    lignes += [LigneFacturee(f"Référentiel {line.referentiel_code} — année scolaire {label}",
                             intitules.get(line.referentiel_code, ""), line.prix) for line in lignes_catalogue]
    return {
        "etablissement": abonnement.etablissement,
        "edite_le": timezone.now(),
        "abonnement": abonnement,
        "annee_label": label,
        "numero": numero(abonnement, kind),
        "operateur": settings.CPRO_OPERATEUR,
        "lignes": lignes,
        "total": abonnement_total(abonnement),
        "montant_paye": abonnement.montant_paye,
        "reste": abonnement_reste_a_payer(abonnement),
    }


def devis_pdf(abonnement: Abonnement, kind: str) -> tuple[str, bytes]:
    """(file name, PDF bytes) of the quote ("devis") or the invoice ("facture"); ValidationError in French when
    the subscription has no such document (a cancelled order, an invoice before payment)."""
    from documents.rendu import pdf_from_template  # the PDF machinery loads WeasyPrint: only when printing

    if abonnement.statut == Abonnement.Statut.ANNULE:
        raise ValidationError("Cette commande a été annulée : elle n'a ni devis ni facture.")
    if kind == "facture" and abonnement.statut != Abonnement.Statut.PAYE:
        raise ValidationError("La facture n'existe qu'une fois l'abonnement payé : téléchargez le devis.")
    contexte = _contexte(abonnement, kind)
    # Inside the establishment, so that its logo (under MEDIA_ROOT/<schema>/) is one of the files the PDF may read.
    with tenant_context(abonnement.etablissement):
        pdf = pdf_from_template(f"documents/{kind}.html", contexte)
    return f"{kind}-{contexte['numero']}.pdf", pdf
