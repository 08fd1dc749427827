"""Fetch a scenario or a situation a person may see, or 404. Writing a scenario one can read but does not
author is a 403: the page exists for them (a shared scenario), the action does not."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from scolarite.selectors import sees_all

from .models import Scenario, Situation
from .selectors_scenario import scenarios_visible
from .services_scenario import scenario_can_write


def scenario_get_for(user, pk, *, write: bool = False) -> Scenario:
    scenario = get_object_or_404(scenarios_visible(user).select_related("auteur", "referentiel"), pk=pk)
    if write and not scenario_can_write(scenario, user):
        raise PermissionDenied("Seuls l'auteur et les co-auteurs modifient ce scénario.")
    return scenario


def situation_get_for(user, pk) -> Situation:
    """A formateur of the situation's classe, or the direction and inspection (to read)."""
    situations = Situation.objects.select_related("scenario__referentiel", "classe__formation", "created_by",
                                                  "epreuve")
    if not sees_all(user):
        situations = situations.filter(classe__formateurs=user)
    return get_object_or_404(situations, pk=pk)
