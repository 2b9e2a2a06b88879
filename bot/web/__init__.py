"""The gateway's web side: the local web chat and its JSON API (Starlette)."""
