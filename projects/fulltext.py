"""The stored full-text vectors of the record: which columns weigh as a title (A) and which as a
body (B), the PostgreSQL trigger that keeps each row's `search_vector` current, and its GIN index.

A trigger rather than application code, so every write path (save, update(), bulk_create, admin,
raw SQL) keeps the vector right. On SQLite the column stays empty and search falls back to
substring matching.

Each row is stemmed in the language it is written in (`StemInRecordLanguage`): a contact's mail in
the contact's language, everything else of a project in its client's, else the organisation's, so
a German client's "Migrationen" is found by "Migration". A search asks in every language in use.
"""

from django.db import models
from django.db.migrations.operations.base import Operation

TEXT_SEARCH_CONFIG = "english"  # the vectors written before languages, and the default
# PostgreSQL's text search configuration for each language the portal ships.
SEARCH_CONFIGS = {"en": "english", "de": "german", "fr": "french", "es": "spanish"}


def weighted_document(title_columns, body_columns, row="", config=f"'{TEXT_SEARCH_CONFIG}'"):
    """The SQL of a row's weighted vector; `row` is the prefix of its columns (NEW. in a trigger),
    `config` the SQL of the text search configuration it is stemmed with."""

    def part(columns, weight):
        text = ", ".join(f"{row}{column}" for column in columns)
        return f"setweight(to_tsvector({config}, concat_ws(' ', {text})), '{weight}')"

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


def record_search_config_sql():
    """A SQL function: the text search configuration of a record row from its project and (for
    mail) its contact: the contact's language, else the project's client's, else the
    organisation's. Written in SQL so the trigger, which every write path fires, can call it."""
    cases = " ".join(f"WHEN '{code}' THEN '{config}'" for code, config in SEARCH_CONFIGS.items())
    return f"""
        CREATE OR REPLACE FUNCTION record_search_config(bigint, bigint) RETURNS regconfig
        LANGUAGE sql STABLE AS $$
            SELECT (CASE COALESCE(
                (SELECT NULLIF(language, '') FROM projects_contact WHERE id = $2),
                (SELECT NULLIF(client.language, '') FROM projects_project project
                    JOIN projects_client client ON client.id = project.client_id WHERE project.id = $1),
                (SELECT NULLIF(language, '') FROM projects_organisationsettings ORDER BY id LIMIT 1)
            ) {cases} ELSE '{TEXT_SEARCH_CONFIG}' END)::regconfig
        $$;
    """


class StemInRecordLanguage(Operation):
    """Make `<model>`'s search trigger stem each row in its language (`record_search_config`).
    Rows already written keep their vectors until they next change; they were all English."""

    reversible = True

    def __init__(self, app_label, model_name, title_columns, body_columns=(), contact_column=None):
        self.app_label = app_label  # one migration serves the record's tables in three apps
        self.model_name = model_name
        self.title_columns = list(title_columns)
        self.body_columns = list(body_columns)
        self.contact_column = contact_column

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [self.app_label, self.model_name, self.title_columns, self.body_columns],
            {"contact_column": self.contact_column},
        )

    def state_forwards(self, app_label, state):
        """The trigger lives in the database only."""

    def trigger_function(self, table, config):
        return f"""
            CREATE OR REPLACE FUNCTION {table}_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search_vector := {weighted_document(self.title_columns, self.body_columns, "NEW.", config)};
                RETURN NEW;
            END $$;
        """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = to_state.apps.get_model(self.app_label, self.model_name)._meta.db_table
        contact = f"NEW.{self.contact_column}" if self.contact_column else "NULL"
        schema_editor.execute(record_search_config_sql())
        schema_editor.execute(
            self.trigger_function(table, f"record_search_config(NEW.project_id, {contact})")
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = from_state.apps.get_model(self.app_label, self.model_name)._meta.db_table
        schema_editor.execute(self.trigger_function(table, f"'{TEXT_SEARCH_CONFIG}'"))

    def describe(self):
        return f"Stem {self.model_name}.search_vector in the record's language"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_search_language"
