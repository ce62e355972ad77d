"""Pages of the API's lists: a cursor over the id, so a page stays stable while rows are added and a client walks a
list of any length without the database counting or skipping rows (``OFFSET``)."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "pk"  # unique and never changes: a cursor names a place in the list exactly
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
