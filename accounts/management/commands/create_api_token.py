"""Make an API token for a user and print its key (shown this once only)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import issue_token


class Command(BaseCommand):
    help = "Create an API token for a user and print the key. Only a hash is stored: keep the key safe."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="What the token is for, to recognise it later.")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is not active.")
        if not name.strip():
            raise CommandError("Give the token a name with --name.")
        _token, key = issue_token(user, name=name[:100], by=None)
        self.stdout.write(key)
