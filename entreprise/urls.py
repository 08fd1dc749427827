"""Companies, tuteurs and contracts."""

urlpatterns = []
