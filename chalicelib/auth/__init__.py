"""Identity: verifying tokens, the request principal, role guards, user administration."""
