"""The annual reports shown on pages of other apps: the consortium page loads this library, so that consortia never
imports annual_reports."""

from django import template

from ..selectors import consortium_reports

register = template.Library()


@register.inclusion_tag("annual_reports/_consortium_reports.html", takes_context=True)
def consortium_report_list(context, consortium):
    """The consortium's reports by year, as the page's user may see them."""
    return {"reports": consortium_reports(context["request"].user, consortium)}
