"""The verification page of a filing notice at the site root (/verify/<code>/), the URL printed on every notice."""

from django.urls import path

from . import views

app_name = "verify"
urlpatterns = [
    path("<str:code>/", views.verify, name="notice"),
]
