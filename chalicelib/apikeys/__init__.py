"""Tenant API keys for integrations (Open311, a city's 12345 hotline …): issued once, stored hashed."""
