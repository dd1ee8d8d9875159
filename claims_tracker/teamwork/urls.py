from django.urls import path

from . import views

urlpatterns = [
    path("work/", views.my_work, name="teamwork-my-work"),
    path("notifications/", views.notifications, name="teamwork-notifications"),
    path("notifications/read/", views.notifications_read, name="teamwork-notifications-read"),
    path("notifications/digest/", views.digest_toggle, name="teamwork-digest"),
    path("people/<int:pk>/", views.activity, name="teamwork-activity"),
    path("claims/<int:pk>/assign/", views.claim_assign, name="teamwork-claim-assign"),
    path("groups/<int:pk>/assign/", views.group_assign, name="teamwork-group-assign"),
    path("candidates/<int:pk>/assign/", views.candidate_assign, name="teamwork-candidate-assign"),
    path("claims/<int:pk>/notes/", views.claim_note_add, name="teamwork-claim-note-add"),
    path("claims/<int:pk>/follow/", views.claim_follow, name="teamwork-claim-follow"),
    path("stories/<int:pk>/follow/", views.story_follow, name="teamwork-story-follow"),
]
