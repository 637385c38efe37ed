"""The error responses every operation can give, added to the OpenAPI schema in one place (a
drf-spectacular postprocessing hook); what only one action can answer (a 409) is declared on the
action itself with `extend_schema`."""

from .errors import ERROR, ERROR_SCHEMA, INVALID, INVALID_SCHEMA

WRITES = {"post", "put", "patch", "delete"}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {}).update(
        Error=ERROR_SCHEMA, ValidationError=INVALID_SCHEMA
    )
    for path, operations in result["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            queries = set()
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    queries.add(parameter["name"])
                    # An empty value (`?until=`) is no filter, as in an HTML form; an empty page the first.
                    parameter.setdefault("allowEmptyValue", True)
            answer(responses, "401", ERROR, "No valid token or session.")
            if method in WRITES:
                answer(responses, "400", INVALID, "The body is malformed or invalid; nothing was written.")
                answer(responses, "403", ERROR, "A session-authenticated write without its CSRF token.")
            elif queries - {"page", "page_size", "ordering"}:
                answer(responses, "400", INVALID, "A filter value is invalid.")
            if "{" in path:
                answer(responses, "404", ERROR, "No such object among the projects you may see.")
            elif "page" in queries:
                answer(responses, "404", ERROR, "No such page.")
    return result


def answer(responses, code, schema, description):
    responses.setdefault(
        code, {"description": description, "content": {"application/json": {"schema": schema}}}
    )
