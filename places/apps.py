from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = _("Neighbourhood campus")

    def ready(self) -> None:
        from places.privacy import register_personal_data

        register_personal_data()
