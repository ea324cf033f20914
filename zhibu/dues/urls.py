from __future__ import annotations

from django.urls import path

from zhibu.dues import views

app_name = "dues"
urlpatterns = [
    path("org/<str:code>/", views.sheet, name="sheet"),
    path("org/<str:code>/settings/", views.settings_edit, name="settings"),
    path("org/<str:code>/bases/", views.bases_upload, name="bases"),
    path("bases/template/", views.bases_template, name="bases_template"),
    path("member/<int:pk>/", views.member_detail, name="member"),
    path("member/<int:pk>/assess/", views.assess, name="assess"),
    path("member/<int:pk>/pay/", views.pay, name="pay"),
    path("member/<int:pk>/credit/", views.credit, name="credit"),
    path("payment/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("mine/", views.mine, name="mine"),
    # --- end of the collection pages; the ledger's (上缴/返还/支出, 公示, exports) follow ---
]
