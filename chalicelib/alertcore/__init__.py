"""The vectorized alert core: a batch of readings as arrays in, transitions and state out.

Pure numpy; storage and I/O live around it (``chalicelib.telemetry``). The API never
imports this package.
"""
