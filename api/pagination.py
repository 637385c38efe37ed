"""Page-number pages for every list: 50 rows unless `page_size` asks for more, never over 200."""

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        # DRF falls back to the default on a page_size it cannot read; say so instead.
        asked = request.query_params.get(self.page_size_query_param, "")
        if asked and not (asked.isdigit() and int(asked) > 0):
            raise serializers.ValidationError({"page_size": ["A whole number of rows, at least 1."]})
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
