from django.urls import path

from . import views

app_name = "lifecycle"

urlpatterns = [
    path("<int:pk>/completion/declare/", views.declare_completion, name="declare_completion"),
    path("<int:pk>/completion/<int:declaration_id>/", views.decide_completion, name="decide_completion"),
    path("completion/pending/", views.pending_declarations, name="pending_declarations"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/recognition/", views.record_recognition, name="record_recognition"),
    path("<int:pk>/documents/<int:document_id>/", views.download_document, name="document"),
    path("dishonesty/", views.dishonesty_list, name="dishonesty_list"),
    path("dishonesty/export.csv", views.dishonesty_export, name="dishonesty_export"),
    path("dishonesty/<int:record_id>/end/", views.end_record, name="end_record"),
]
