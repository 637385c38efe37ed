"""Page-number pages for every list: 50 rows unless `page_size` asks for more, never over 200."""

from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
