from __future__ import annotations

from django.urls import path

from zhibu.meetings import ledger_views, views

app_name = "meetings"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("org/<str:code>/", views.branch_list, name="branch"),
    path("org/<str:code>/new/", views.plan, name="plan"),
    path("org/<str:code>/series/new/", views.series_new, name="series_new"),
    path("org/<str:code>/settings/", views.branch_settings, name="settings"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/stop/", views.series_stop, name="series_stop"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/sign-in/", views.sign_in, name="sign_in"),
    path("<int:pk>/qr/", views.qr, name="qr"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/observers/", views.observer_add, name="observer_add"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/minutes/confirm/", views.minutes_confirm, name="minutes_confirm"),
    path("<int:pk>/minutes/correct/", views.minutes_correct, name="minutes_correct"),
    path("<int:pk>/minutes/<int:version>/", views.minutes_version, name="minutes_version"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("attendance/<int:pk>/leave/", views.leave_decide, name="leave_decide"),
    path("attendance/<int:pk>/exclusion/", views.exclusion, name="exclusion"),
    path("attendance/<int:pk>/makeup/", views.makeup, name="makeup"),
    path("org/<str:code>/import/", ledger_views.import_ledger, name="import"),
    path("ledger-template.xlsx", ledger_views.template, name="ledger_template"),
]
