urlpatterns = []  # evaluations.views_ccf: the CCF grids of certificative situations
