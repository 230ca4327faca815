"""Web page inspection: SSRF-safe fetching, static checks, render mode, source tracing."""
