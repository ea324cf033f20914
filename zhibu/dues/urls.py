from __future__ import annotations

from django.urls import path

from zhibu.dues import views, views_ledger

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
    path("org/<str:code>/ledger/", views_ledger.ledger_page, name="ledger"),
    path("org/<str:code>/ledger/new/", views_ledger.expense_new, name="expense_new"),
    path("org/<str:code>/ledger.xlsx", views_ledger.ledger_xlsx, name="ledger_xlsx"),
    path("org/<str:code>/sheet.xlsx", views_ledger.sheet_xlsx, name="sheet_xlsx"),
    path("expense/<int:pk>/reverse/", views_ledger.expense_reverse, name="expense_reverse"),
    path("org/<str:code>/report/<int:year>/", views_ledger.report, name="report"),
    path(
        "org/<str:code>/report/<int:year>/publish/",
        views_ledger.report_publish,
        name="report_publish",
    ),
    path("org/<str:code>/report/<int:year>/docx/", views_ledger.report_docx, name="report_docx"),
    path("report/<int:pk>/withdraw/", views_ledger.report_withdraw, name="report_withdraw"),
]
