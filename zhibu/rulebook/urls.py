from __future__ import annotations

from django.urls import path

from zhibu.rulebook import views

app_name = "rulebook"
urlpatterns = [
    path("rulebook/", views.index, name="index"),
    path("rulebook/<int:pk>/revise/", views.revise, name="revise"),
    path("compliance/<str:code>/", views.board, name="compliance"),
]
