"""HTTP edge: FastAPI app factory, routers per resource, API-key auth, schemas, error mapping."""
