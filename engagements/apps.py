from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    name = "engagements"
    verbose_name = _("Courses and engagements")

    def ready(self) -> None:
        from engagements.privacy import register_personal_data

        register_personal_data()
