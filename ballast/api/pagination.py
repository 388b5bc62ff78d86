"""Paging on every list: ``?page=`` and ``?page_size=`` (at most BALLAST_API_MAX_PAGE_SIZE);
the answer carries ``count``, ``next``, ``previous`` and ``results``."""

from django.conf import settings
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"

    @property
    def max_page_size(self):
        return settings.BALLAST_API_MAX_PAGE_SIZE
