"""Quotas enforced per city, the API rate limit, and usage metering with cost estimates (README.md)."""
