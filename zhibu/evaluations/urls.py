from __future__ import annotations

from django.urls import path

from zhibu.evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("org/<str:code>/", views.branch_list, name="list"),
    path("org/<str:code>/new/", views.new, name="new"),
    path("org/<str:code>/excellent/", views.excellent, name="excellent"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("<int:pk>/voting/", views.voting, name="voting"),
    path("<int:pk>/voting/close/", views.voting_close, name="voting_close"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/results/", views.results, name="results"),
]
