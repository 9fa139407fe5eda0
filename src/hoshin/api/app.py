"""The versioned REST API: `api` is mounted at /api/v1/ and documents itself at /api/v1/openapi.json."""

from ninja import NinjaAPI

from hoshin.api import measurements
from hoshin.api.errors import register_error_handlers

api = NinjaAPI(
    title="Hoshin API",
    version="1",
    description="Strategy execution: push KPI measurements. Errors share one shape: "
                '{"error": {"code", "message", "details": [{"line", "field", "message"}]}}.',
    urls_namespace="api-v1",
)
register_error_handlers(api)
api.add_router("/", measurements.router)
