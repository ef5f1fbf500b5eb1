"""Tenancy: city tenants, their manifests, hierarchy, departments and service catalog."""
