from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/notice.pdf", views.notice, name="notice"),
    path("<int:pk>/notice/reissue/", views.reissue, name="reissue_notice"),
]
