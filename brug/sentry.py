"""Server errors to Sentry: started from the settings only when SENTRY_DSN is set."""

from __future__ import annotations


def start_sentry(dsn: str, *, environment: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        traces_sample_rate=traces_sample_rate,
        # Names, e-mail addresses and notes of partners stay out of the error reports.
        send_default_pii=False,
    )
