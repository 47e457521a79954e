from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts.privacy import register_personal_data

        register_personal_data()
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import note_sign_in_time

        user_logged_in.connect(note_sign_in_time, dispatch_uid="brug-idle-clock")
