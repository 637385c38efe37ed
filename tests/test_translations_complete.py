"""Every string marked for translation has a translation in every language we ship: no empty or
fuzzy entry, no entry missing from a catalogue, no broken placeholder, and compiled catalogues that
match their sources. Extraction here uses Babel on what `makemessages` would read (Python files and
templates, the templates turned into Python by Django's own `templatize`), so it needs no gettext."""

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from django.conf import settings
from django.utils.translation.template import templatize

from projects.management.commands.compile_translations import broken, catalogues, compiled, read

SHIPPED = [code for code, _ in settings.LANGUAGES if code != "en"]  # English is the source

# The keywords `makemessages` gives xgettext, beside gettext's own.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
SKIPPED = {"tests", "bench", "node_modules", "var", "static", "docs"}


def sources():
    """The files `makemessages` reads, skipping hidden folders (the virtualenv) as it does."""
    for path in sorted(settings.BASE_DIR.rglob("*")):
        relative = path.relative_to(settings.BASE_DIR)
        if any(part.startswith(".") or part in SKIPPED for part in relative.parts[:-1]):
            continue
        if path.suffix in {".py", ".html", ".txt"} and path.is_file():
            yield relative, path


def marked(relative, path):
    """(context, msgid) of each string marked in one file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        # Not Python, only its calls: without indentation, Python's tokenizer reads it line by line.
        text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())
    if not any(word in text for word in ("gettext", "translate", "_(")):
        return
    for _, message, _, context in extract("python", _bytes(text), keywords=KEYWORDS):
        yield context, message[0] if isinstance(message, tuple) else message


def _bytes(text):
    import io

    return io.BytesIO(text.encode("utf-8"))


def marked_strings():
    return {key: relative for relative, path in sources() for key in marked(relative, path)}


def entries(catalogue):
    return {
        (message.context, message.id[0] if message.pluralizable else message.id): message
        for message in catalogue
        if message.id
    }


def catalogue_of(language):
    found = dict(catalogues())
    assert language in found, f"No catalogue for {language}: run makemessages -l {language}"
    return read(found[language])


@pytest.mark.parametrize("language", SHIPPED)
def test_every_marked_string_is_in_the_catalogue(language):
    known = entries(catalogue_of(language))
    missing = {key: where for key, where in marked_strings().items() if key not in known}
    assert not missing, (
        f"Marked but not in locale/{language}: {missing}. Run `manage.py makemessages -l {language}` "
        "and translate them."
    )


@pytest.mark.parametrize("language", SHIPPED)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    catalogue = catalogue_of(language)
    untranslated = [
        key
        for key, message in entries(catalogue).items()
        if "fuzzy" in message.flags
        or not all(message.string if isinstance(message.string, tuple) else [message.string])
    ]
    assert not untranslated, f"Untranslated or fuzzy in locale/{language}: {untranslated}"
    assert not catalogue.fuzzy, f"locale/{language}'s header is marked fuzzy"
    assert not broken(catalogue), f"Broken placeholders in locale/{language}: {broken(catalogue)}"


@pytest.mark.parametrize("language", SHIPPED)
def test_the_compiled_catalogue_is_up_to_date(language):
    po = dict(catalogues())[language]
    mo = Path(po).with_suffix(".mo")
    assert mo.exists() and mo.read_bytes() == compiled(read(po)), (
        f"{mo} is missing or older than its .po: run `manage.py compile_translations`"
    )
