from __future__ import annotations

from django.urls import path

from zhibu.textcheck import views

app_name = "textcheck"
urlpatterns = [
    path("textcheck/check/", views.check, name="check"),
]
