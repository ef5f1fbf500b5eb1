"""Open311 GeoReport v2: the city's service catalog and requests for generic Open311 clients."""
