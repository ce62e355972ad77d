"""The public pages, open without login (issue 16)."""

from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.public_list, name="list"),
    path("list.csv", views.public_csv, name="csv"),
]
