from __future__ import annotations

from django.urls import path

from zhibu.lifemeetings import views, views_documents

app_name = "lifemeetings"
urlpatterns = [
    path("org/<str:code>/", views.branch_list, name="list"),
    path("org/<str:code>/new/", views.plan, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/study/", views.study, name="study"),
    path("<int:pk>/opinions/", views.opinions, name="opinions"),
    path("<int:pk>/talks/new/", views.talk_new, name="talk_new"),
    path("<int:pk>/my-review/", views.my_review, name="my_review"),
    path("<int:pk>/reviews/", views.self_reviews, name="self_reviews"),
    path("review/<int:pk>/", views.self_review, name="self_review"),
    path("review/<int:pk>/decide/", views.self_review_decide, name="self_review_decide"),
    path("<int:pk>/convene/", views.convene, name="convene"),
    path("<int:pk>/speeches/", views.speeches, name="speeches"),
    path("<int:pk>/speeches/<int:member_id>/", views.speech, name="speech"),
    path("<int:pk>/conclude/", views.conclude, name="conclude"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/follow-up/<int:member_id>/", views.confirm, name="confirm"),
    path("<int:pk>/opinions/answers/", views.opinion_answers, name="opinion_answers"),
    path("<int:pk>/opinions/take-up/", views.opinion_take_up, name="opinion_take_up"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/report/submit/", views.report_submit, name="report_submit"),
    path("<int:pk>/feedback/<int:member_id>/", views_documents.feedback, name="feedback"),
    path(
        "<int:pk>/feedback/<int:member_id>/docx/",
        views_documents.feedback_docx,
        name="feedback_docx",
    ),
    path("<int:pk>/report/", views_documents.report, name="report"),
    path("<int:pk>/report/docx/", views_documents.report_docx, name="report_docx"),
]
