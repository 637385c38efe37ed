"""The stored full-text vectors of the record: which columns weigh as a title (A) and which as a
body (B), the PostgreSQL trigger that keeps each row's `search_vector` current, and its GIN index.

A trigger rather than application code, so every write path (save, update(), bulk_create, admin,
raw SQL) keeps the vector right. On SQLite the column stays empty and search falls back to
substring matching.
"""

from django.db import models
from django.db.migrations.operations.base import Operation

TEXT_SEARCH_CONFIG = "english"


def weighted_document(title_columns, body_columns, row=""):
    """The SQL of a row's weighted vector; `row` is the prefix of its columns (NEW. in a trigger)."""

    def part(columns, weight):
        text = ", ".join(f"{row}{column}" for column in columns)
        return f"setweight(to_tsvector('{TEXT_SEARCH_CONFIG}', concat_ws(' ', {text})), '{weight}')"

    parts = [part(title_columns, "A")]
    if body_columns:
        parts.append(part(body_columns, "B"))
    return " || ".join(parts)


class WithoutSearchVector(models.Manager):
    """Rows without their vector: only the database's own matching reads it, so every other read
    (and the full save that follows one) is spared it."""

    def get_queryset(self):
        return super().get_queryset().defer("search_vector")


class KeepSearchVector(Operation):
    """Keep `<model>.search_vector` current from its title and body columns (PostgreSQL only)."""

    reversible = True

    def __init__(self, model_name, title_columns, body_columns=()):
        self.model_name = model_name
        self.title_columns = list(title_columns)
        self.body_columns = list(body_columns)

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [self.model_name, self.title_columns, self.body_columns],
            {},
        )

    def state_forwards(self, app_label, state):
        """The trigger and index live in the database only; the model state has the plain field."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = to_state.apps.get_model(app_label, self.model_name)._meta.db_table
        columns = ", ".join(self.title_columns + self.body_columns)
        schema_editor.execute(
            f"""
            CREATE FUNCTION {table}_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search_vector := {weighted_document(self.title_columns, self.body_columns, "NEW.")};
                RETURN NEW;
            END $$;
            CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE OF {columns} ON {table}
                FOR EACH ROW EXECUTE FUNCTION {table}_search_vector();
            UPDATE {table} SET search_vector = {weighted_document(self.title_columns, self.body_columns)};
            CREATE INDEX {table}_search_vector_gin ON {table} USING gin (search_vector);
            """
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = from_state.apps.get_model(app_label, self.model_name)._meta.db_table
        schema_editor.execute(
            f"""
            DROP INDEX IF EXISTS {table}_search_vector_gin;
            DROP TRIGGER IF EXISTS {table}_search_vector ON {table};
            DROP FUNCTION IF EXISTS {table}_search_vector();
            """
        )

    def describe(self):
        return f"Keep {self.model_name}.search_vector current (PostgreSQL trigger and GIN index)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_search_vector"
