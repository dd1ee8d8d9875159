from django.urls import path

from . import views

urlpatterns = [
    path("", views.feed_list, name="ingest-feed-list"),
    path("add/", views.feed_add, name="ingest-feed-add"),
    path("<int:pk>/", views.feed_detail, name="ingest-feed-detail"),
    path("<int:pk>/toggle/", views.feed_toggle, name="ingest-feed-toggle"),
    path("<int:pk>/poll/", views.feed_poll, name="ingest-feed-poll"),
    path("<int:pk>/bounds/", views.feed_bounds, name="ingest-feed-bounds"),
    path("articles/<int:pk>/progress/", views.article_progress, name="ingest-article-progress"),
]
