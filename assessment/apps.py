from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Relationship assessment")

    def ready(self) -> None:
        from assessment.privacy import register_personal_data

        register_personal_data()
