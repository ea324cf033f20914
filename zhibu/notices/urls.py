from __future__ import annotations

from django.urls import path

from zhibu.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/", views.notice_open, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("email/", views.email_settings, name="email"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
