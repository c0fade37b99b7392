"""Restore an archive written by `manage.py backup` into an empty, migrated database."""

import tarfile
import tempfile
from pathlib import Path

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from units.models import Unit, User


class Command(BaseCommand):
    help = "Load a backup archive (database and media files) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        if User.objects.exists() or Unit.objects.exists():
            raise CommandError(
                "The database is not empty. Restore into a fresh database: create it, run "
                "`manage.py migrate`, then `manage.py restore ARCHIVE`."
            )
        media_root = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
            # The archive holds the audit log itself: loading rows (and their many-to-many
            # links) must not log them a second time.
            with transaction.atomic(), disable_auditlog():
                call_command("loaddata", str(Path(tmp) / "data.json"), verbosity=0)
            media = Path(tmp) / "media"
            restored = 0
            if media.exists():
                for file in media.rglob("*"):
                    if file.is_file():
                        target = media_root / file.relative_to(media)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(file.read_bytes())
                        restored += 1
        self.stdout.write(f"Restored {archive}: database loaded, {restored} files.")
