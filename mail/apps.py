from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "mail"
    label = "mail"
    verbose_name = _("Outgoing mail")

    def ready(self) -> None:
        from mail.privacy import register_personal_data

        register_personal_data()
