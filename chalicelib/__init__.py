"""Smart Community Cloud application code (packaged by Chalice beside app.py)."""
