from django.core.management.base import BaseCommand
from django.db import transaction

from demo import organisation


class Command(BaseCommand):
    help = "Load the demo committee (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet=False, **options):
        with transaction.atomic():
            organisation.load()
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data loaded."))
        self.stdout.write(f"演示账号 / demo logins (password: {organisation.DEMO_PASSWORD}):")
        for username, scope, _name in organisation.DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} {scope}")
