"""The REST API: the record read and written by other systems, through the same services as the
dashboard, under the same rule of who sees which project."""
