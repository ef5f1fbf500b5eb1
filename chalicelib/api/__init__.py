"""Entry points: one Chalice blueprint per area, declared with ``http.routing.route``."""
