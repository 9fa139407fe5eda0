"""The REST API, versioned under /api/v1/ (see `hoshin.api.app`)."""
