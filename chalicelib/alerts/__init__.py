"""Alerts: one active alert per (device, rule), its lifecycle, routing and escalation (no numpy here)."""
