"""门禁 / 群租: entrance passages counted per household per week, and the 疑似群租 leads they raise."""
