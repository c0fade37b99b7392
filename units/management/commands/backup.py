"""Dump the whole database and the uploaded files into one .tar.gz.

Portable across SQLite and PostgreSQL (Django's serialiser, natural keys for content types),
so a dump restores into any empty database migrated to the same code. For very large
PostgreSQL databases `pg_dump` is faster; see docs/operations.md.
"""

import io
import json
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


class Command(BaseCommand):
    help = "Write the database and the media files to a .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "output", nargs="?", help="Archive path (default: backups/<time>.tar.gz)"
        )

    def handle(self, *args, output=None, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = Path(output or settings.BASE_DIR / "backups" / f"modelagency-{stamp}.tar.gz")
        path.parent.mkdir(parents=True, exist_ok=True)
        data = io.StringIO()
        call_command(
            "dumpdata",
            "--natural-foreign",
            *[f"--exclude={e}" for e in EXCLUDED],
            stdout=data,
        )
        payload = data.getvalue().encode()
        media_root = Path(settings.MEDIA_ROOT)
        files = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
        manifest = {
            "created": timezone.now().isoformat(),
            "objects": len(json.loads(payload)),
            "files": len(files),
        }
        with tarfile.open(path, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest).encode())
            _add_bytes(archive, "data.json", payload)
            for file in files:
                archive.add(file, arcname=f"media/{file.relative_to(media_root)}")
        self.stdout.write(
            f"Backup written to {path}: {manifest['objects']} objects, {manifest['files']} files."
        )


def _add_bytes(archive, name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(content))
