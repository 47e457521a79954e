from django import template

from identity.models import IdentityProvider

register = template.Library()


@register.simple_tag
def identity_providers() -> list[IdentityProvider]:
    """Every institution's sign-in button, for the login page."""
    return list(IdentityProvider.objects.filter(app__isnull=False).select_related("institution", "app"))
