"""Devices: the registry of a city's sensors and where each one sits in the hierarchy."""
