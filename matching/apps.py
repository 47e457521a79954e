from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Needs, offers and matchmaking")

    def ready(self) -> None:
        from matching.privacy import register_personal_data

        register_personal_data()
