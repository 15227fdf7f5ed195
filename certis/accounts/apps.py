from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "certis.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib.auth.signals import user_login_failed

        from certis.core.ratelimit import parse_rate

        from .ceiling import record_failure

        parse_rate(settings.LOGIN_ACCOUNT_CEILING)  # a bad setting stops the start, not the first login

        user_login_failed.connect(record_failure, dispatch_uid="certis.accounts.ceiling")
