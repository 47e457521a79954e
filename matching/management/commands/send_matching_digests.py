from typing import Any

from django.core.management.base import BaseCommand

from matching.tasks import send_digests


class Command(BaseCommand):
    help = "Send each organisation one digest of everything asked of it since the last one (run daily or weekly)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = send_digests()
        self.stdout.write(f"Queued digests for {count} organisation(s).")
