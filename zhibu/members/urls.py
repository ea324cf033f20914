from __future__ import annotations

from django.urls import path

from zhibu.members import views

app_name = "members"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("import-template.xlsx", views.import_template, name="import_template"),
    path("org/<str:code>/", views.member_list, name="list"),
    path("org/<str:code>/new/", views.create, name="create"),
    path("org/<str:code>/find/", views.find, name="find"),
    path("org/<str:code>/import/", views.import_roster, name="import"),
    path("org/<str:code>/export.xlsx", views.export_roster, name="export"),
    path("org/<str:code>/transfer-in/", views.transfer_in, name="transfer_in"),
    path("org/<str:code>/transfers/", views.transfers, name="transfers"),
    path("transfers/<int:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/reject/", views.transfer_reject, name="transfer_reject"),
    path("transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/category/", views.category_change, name="category"),
    path("<int:pk>/status/", views.status_change, name="status"),
    path("<int:pk>/party-probation/", views.party_probation, name="party_probation"),
    path("<int:pk>/transfer-out/", views.transfer_out, name="transfer_out"),
    path("<int:pk>/account/", views.account, name="account"),
]
