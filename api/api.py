"""The JSON API: same records, same services, same access rules as the web pages."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Brug API",
    version="1.0.0",
    description="The partner network of service-learning: organisations, people, relationships, "
    "contact moments, partnerships, courses and engagements. Authenticate with `Authorization: Bearer <token>`.",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
