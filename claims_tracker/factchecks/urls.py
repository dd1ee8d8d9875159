from django.urls import path

from . import views

urlpatterns = [
    path("", views.factcheck_list, name="factchecks-list"),
    path("<int:pk>/accept/", views.factcheck_accept, name="factchecks-accept"),
    path("<int:pk>/dismiss/", views.factcheck_dismiss, name="factchecks-dismiss"),
]
