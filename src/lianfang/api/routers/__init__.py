"""One router per resource; app.py includes the ROUTERS list (the UI adds its own routers there)."""
