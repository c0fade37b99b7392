from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from units.models import Branch, Role, Unit, User


def snapshot():
    return (
        list(Unit.objects.order_by("pk").values()),
        list(Branch.objects.order_by("pk").values()),
        list(Role.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values("username", "password")),
    )


# flush TRUNCATEs every table: on PostgreSQL not inside the test's transaction, where the
# rows just written still have deferred foreign-key checks pending.
@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_database(world, committee, secretary, tmp_path, settings):
    stored = default_storage.save("evidence/2026/04/会议记录.pdf", ContentFile(b"%PDF-1.4 x"))
    before = snapshot()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))

    call_command("flush", "--noinput")
    default_storage.delete(stored)
    assert Unit.objects.count() == 0

    call_command("restore", str(archive))
    assert snapshot() == before
    assert Path(settings.MEDIA_ROOT, stored).read_bytes() == b"%PDF-1.4 x"


def test_restore_refuses_a_database_that_is_not_empty(world, committee, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
