"""Routes of the requests service (filled in by its package)."""

from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
