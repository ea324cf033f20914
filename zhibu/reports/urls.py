from __future__ import annotations

from django.urls import path

from zhibu.reports import views

app_name = "reports"
urlpatterns = [
    path("org/<str:code>/meeting-book.docx", views.meeting_book, name="meeting_book"),
    path("org/<str:code>/attendance.xlsx", views.attendance_sheet, name="attendance_sheet"),
    path("meeting/<int:pk>/sign-in.xlsx", views.sign_in_sheet, name="sign_in_sheet"),
    path("org/<str:code>/templates/", views.templates, name="templates"),
    path(
        "org/<str:code>/templates/<str:key>/download/",
        views.template_download,
        name="template_download",
    ),
    path(
        "org/<str:code>/templates/<str:key>/upload/", views.template_upload, name="template_upload"
    ),
    path(
        "org/<str:code>/templates/<str:key>/retire/", views.template_retire, name="template_retire"
    ),
]
