"""Classes, learners, formations and the establishment settings."""

urlpatterns = []
