"""`manage.py compile_translations`: each `locale/<language>/LC_MESSAGES/django.po` into the
`django.mo` Django reads, with Babel rather than GNU gettext's `msgfmt`, which a fresh machine or
the Docker image may lack. A catalogue with a broken entry (placeholders that differ from the
English) is refused, as `msgfmt --check` would; fuzzy entries are left out, as msgfmt leaves them."""

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues():
    """Every `django.po` under the locale paths, by language code."""
    for folder in settings.LOCALE_PATHS:
        for po in sorted(Path(folder).glob("*/LC_MESSAGES/django.po")):
            yield po.parts[-3], po


def read(po):
    with po.open("rb") as file:
        return read_po(file, locale=po.parts[-3])


def broken(catalogue):
    """(msgid, problem) for each entry whose translation would fail when formatted."""
    return [(message.id, str(error)) for message, errors in catalogue.check() for error in errors]


def compiled(catalogue):
    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/django.po into django.mo with Babel (no GNU gettext needed)."

    def handle(self, *args, **options):
        for language, po in catalogues():
            catalogue = read(po)
            problems = broken(catalogue)
            if problems:
                listed = "\n".join(f"  {msgid!r}: {problem}" for msgid, problem in problems)
                raise CommandError(f"{po} has broken translations:\n{listed}")
            po.with_suffix(".mo").write_bytes(compiled(catalogue))
            self.stdout.write(f"{language}: {po.with_suffix('.mo')}")
