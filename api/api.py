"""The JSON API: same records, same services, same access rules as the web pages."""

from typing import Any

from django.utils.translation import get_language
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from api.auth import SessionAuth, TokenAuth
from api.docs import VendoredSwagger
from api.errors import register_error_handlers
from api.routers import (
    agreements,
    assessments,
    campus_settings,
    courses,
    engagements,
    health,
    imports,
    institution,
    matching,
    needs,
    operations,
    organisations,
    partnerships,
    people,
    places,
    reflection,
    relationships,
    reports,
    strategic,
)


class BrugAPI(NinjaAPI):
    _schemas: dict[tuple[str | None, str | None], OpenAPISchema]

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Built once per process and language: the routes never change while it runs, and building the
        document walks every operation's schemas (seconds, where a page takes milliseconds)."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schemas = self.__dict__.setdefault("_schemas", {})
        key = (path_prefix, get_language())
        if key not in schemas:
            schemas[key] = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return schemas[key]

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """``api_routers_<router>_<function>``: ninja names an operation after its view's module, and a router
        that grew into a package (``api.routers.needs.offer_routes``) keeps the names it had as one module, so
        clients generated from the OpenAPI document keep working."""
        parts = operation.view_func.__module__.split(".")
        module = parts[:3] if parts[:2] == ["api", "routers"] else parts
        return "_".join([*module, operation.view_func.__name__])


api = BrugAPI(
    title="Brug API",
    version="1.0.0",
    description=(
        "The partner network of service-learning: organisations, people, relationships, contact moments, "
        "partnerships, courses and engagements.\n\n"
        "**Authentication**: send `Authorization: Bearer <token>` (make a token on the *API tokens* page, or with "
        "`manage.py create_api_token`), or call it from this page while logged in. You see and may change exactly "
        "what you see and may change in the web pages.\n\n"
        "**Ids** are the records' public UUIDs. **Lists** are paged (`page`, `page_size` up to 100).\n\n"
        '**Errors** all look like `{"detail": ..., "errors": {field: [messages]}}`, in your language (with a '
        "token, `Accept-Language` wins when sent): 400 a business rule refused the change, 401 not authenticated, "
        "403 your role does not allow it, 404 not found or not visible to you, 409 someone else changed the record "
        "since you read its `version`, 422 the request does not fit the schema."
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=VendoredSwagger(),
    auth=[TokenAuth(), SessionAuth()],
)
register_error_handlers(api)

api.add_router("/organisations", organisations.router)
api.add_router("/people", people.router)
api.add_router("/relationships", relationships.router)
api.add_router("/partnerships", partnerships.router)
api.add_router("/courses", courses.router)
api.add_router("/engagements", engagements.router)
api.add_router("/matching", matching.router)
api.add_router("/health", health.router)
api.add_router("/institution", institution.router)
api.add_router("/reports", reports.router)
api.add_router("/assessments", assessments.router)
api.add_router("/agreements", agreements.router)
api.add_router("/strategic", strategic.router)
api.add_router("/needs", needs.needs)
api.add_router("/offers", needs.offers)
api.add_router("/matches", needs.matches)
api.add_router("/organisation-proposals", needs.proposals)
api.add_router("/waiting-needs", needs.waiting)
api.add_router("/places", places.router)
api.add_router("/places", campus_settings.router)
api.add_router("/reflection", reflection.router)
api.add_router("/imports", imports.router)
api.add_router("/operations", operations.router)
