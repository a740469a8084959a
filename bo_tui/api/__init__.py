"""The BOI HTTP API (SPEC section 4): FastAPI routes mapping 1:1 to the contract, OAuth2 client
credentials, bearer checks, the error body and the error log; no rule of its own."""

from .app import create_app

__all__ = ["create_app"]
