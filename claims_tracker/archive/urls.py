from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.record_view, name="archive-record"),
    path("<int:pk>/warc/", views.record_warc, name="archive-record-warc"),
]
