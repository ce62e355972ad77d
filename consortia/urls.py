from django.urls import path

from .views import application_form, changes, documents, editor, filings, submission

app_name = "consortia"

urlpatterns = [
    path("", filings.filing_list, name="list"),
    path("new/", filings.new_filing, name="new"),
    path("<int:pk>/", filings.filing_detail, name="detail"),
    path("<int:pk>/export.json", filings.export_filing, name="export"),
    path("<int:pk>/delete/", filings.delete_filing, name="delete_draft"),
    path("<int:pk>/edit/<slug:section>/", editor.edit_section, name="edit"),
    path("<int:pk>/members/<int:membership_id>/", editor.edit_member, name="edit_member"),
    path("<int:pk>/members/<int:membership_id>/remove/", editor.remove_member, name="remove_member"),
    path("<int:pk>/documents/<int:document_id>/", documents.download_document, name="document"),
    path("<int:pk>/documents/<int:document_id>/delete/", editor.delete_document, name="delete_document"),
    path("<int:pk>/eligibility/", submission.eligibility, name="eligibility"),
    path("<int:pk>/submit/", submission.submit, name="submit"),
    path("<int:pk>/withdraw/", submission.withdraw, name="withdraw"),
    path(
        "<int:pk>/submissions/<int:number>/application-form.pdf",
        application_form.application_form,
        name="application_form",
    ),
    path("<int:pk>/changes/<slug:kind>/", changes.record_change, name="record_change"),
    path("<int:pk>/changes/<int:change_id>/agreement/", changes.download_agreement, name="change_agreement"),
]
