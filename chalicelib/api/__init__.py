"""Entry points: one Chalice blueprint per area, declared with ``http.routing.route``.

``MODULES`` names them in the order they are registered; the app registers their routes from
``route_table.py`` (generated from them: ``make routes``) and imports a module on the first
request to one of its routes (``lazy.py``), so a container loads only the areas it serves.
"""

MODULES = ("meta", "tenancy", "residents", "devices", "vendor", "alerts", "platform", "requests", "open311",
           "notices", "consultations", "directory", "care", "apikeys", "reports", "ops", "usage", "personal",
           "notify", "emergency", "points", "access", "reporting", "imports")
