from __future__ import annotations

from django.urls import path

from zhibu.lifemeetings import views

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
]
