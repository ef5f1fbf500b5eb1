"""Residents: self-registration into a household and staff verification."""
