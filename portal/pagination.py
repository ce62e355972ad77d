"""Pages of long lists (thousands of rows a page of 25 shows). The database sorts and counts only the ids; the rows
of the page, with everything joined to them, are read for those ids alone. Sorting every joined row of a large list
to keep 25 of them is the slow part of such a page on PostgreSQL."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class IdsFirstPaginator(Paginator):
    """A Paginator over ``rows`` that slices the ids in ``rows``' order, then loads the page's rows by id in that
    order. ``count``, when the caller already knows it (a total shown elsewhere on the page), saves the COUNT."""

    def __init__(self, rows: QuerySet, per_page: int, *, count: int | None = None):
        super().__init__(rows.values_list("pk", flat=True), per_page)
        self.rows = rows
        if count is not None:
            self.count = count  # a cached_property on Paginator: set, it is never computed

    def _get_page(self, ids, number, paginator) -> Page:
        ids = list(ids)
        by_id = self.rows.order_by().in_bulk(ids)
        return Page([by_id[pk] for pk in ids if pk in by_id], number, paginator)
