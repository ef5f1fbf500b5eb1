"""Alert rules as configuration: device profiles, their metrics and rules (no numpy here:
the API and the manifest validate rules; only the telemetry side compiles them to arrays)."""
