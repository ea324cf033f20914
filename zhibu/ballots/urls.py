from __future__ import annotations

from django.urls import path

from zhibu.ballots import views

app_name = "ballots"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("code/", views.code_vote, name="code_vote"),
    path("org/<str:code>/", views.poll_list, name="list"),
    path("org/<str:code>/new/", views.poll_new, name="new"),
    path("p/<int:pk>/", views.detail, name="detail"),
    path("p/<int:pk>/edit/", views.poll_edit, name="edit"),
    path("p/<int:pk>/open/", views.poll_open, name="open"),
    path("p/<int:pk>/close/", views.poll_close, name="close"),
    path("p/<int:pk>/publish/", views.poll_publish, name="publish"),
    path("p/<int:pk>/codes/", views.codes, name="codes"),
    path("p/<int:pk>/vote/", views.vote, name="vote"),
    path("p/<int:pk>/results/", views.results, name="results"),
]
