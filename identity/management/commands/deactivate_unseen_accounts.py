"""Deactivate accounts from an identity provider that were not seen for the time their institution set (daily)."""

from typing import Any

from django.core.management.base import BaseCommand

from identity.services import deactivate_unseen_accounts


class Command(BaseCommand):
    help = "Deactivate accounts from identity providers not seen for the time set on the sign-in settings page."

    def handle(self, *args: Any, **options: Any) -> None:
        count = deactivate_unseen_accounts()
        self.stdout.write(f"{count} accounts deactivated.")
