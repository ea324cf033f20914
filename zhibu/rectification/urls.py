from __future__ import annotations

from django.urls import path

from zhibu.rectification import exports, views

app_name = "rectification"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("org/<str:code>/", views.ledger, name="ledger"),
    path("org/<str:code>/ledger.xlsx", exports.ledger_xlsx, name="ledger_xlsx"),
    path("org/<str:code>/ledger.docx", exports.ledger_docx, name="ledger_docx"),
    path("org/<str:code>/new/", views.problem_new, name="new"),
    path("org/<str:code>/bulletin/", views.bulletin, name="bulletin"),
    path("org/<str:code>/publications/", views.publications, name="publications"),
    path("p/<int:pk>/", views.detail, name="detail"),
    path("p/<int:pk>/edit/", views.problem_edit, name="edit"),
    path("p/<int:pk>/measures/", views.measure_add, name="measure_add"),
    path("p/<int:pk>/close/", views.close, name="close"),
    path("p/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("p/<int:pk>/interview/", views.interview, name="interview"),
    path("m/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("m/<int:pk>/complete/", views.measure_complete, name="measure_complete"),
    path("m/<int:pk>/return/", views.measure_return, name="measure_return"),
    path("r/<int:pk>/", views.recheck, name="recheck"),
    path("e/<int:pk>/", views.evidence, name="evidence"),
    path("pub/<int:pk>/", views.publication, name="publication"),
    path("pub/<int:pk>/withdraw/", views.publication_withdraw, name="publication_withdraw"),
]
