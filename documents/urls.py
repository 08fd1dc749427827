urlpatterns = []  # documents.views: requests, progress, downloads
