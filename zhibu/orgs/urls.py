from __future__ import annotations

from django.urls import path

from zhibu.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children/", views.children, name="children"),
    path("<str:code>/history/", views.history, name="history"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/move/", views.move, name="move"),
    path("<str:code>/close/", views.close, name="close"),
    path("<str:code>/new/", views.create, name="create"),
    path("<str:code>/positions/new/", views.position_new, name="position_new"),
    path("positions/<int:pk>/end/", views.position_end, name="position_end"),
]
