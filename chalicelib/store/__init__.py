"""Single-table storage: tenant-scoped keys and the PynamoDB models."""
