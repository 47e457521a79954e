"""Lift the sign-in throttle of a user after too many failed attempts (the office's unlock)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from accounts.models import User
from accounts.services import unlock_sign_in


class Command(BaseCommand):
    help = "Let a user whose sign-in is throttled after failed attempts try again at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("login", help="The user's name or e-mail address.")

    def handle(self, *args: Any, login: str, **options: Any) -> None:
        user = User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).order_by("pk").first()
        if user is None:
            raise CommandError(f"No user with the name or address {login!r}.")
        unlock_sign_in(user, by=None)
        self.stdout.write(f"{user.username} can sign in again.")
