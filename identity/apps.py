from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = _("Sign-in")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from identity.middleware import note_second_factor_due

        user_logged_in.connect(note_second_factor_due, dispatch_uid="brug-second-factor-due")

        from identity.privacy import register_personal_data

        register_personal_data()
