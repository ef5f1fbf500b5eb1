"""Importing a city's hierarchy (区县, 街道, 社区, 网格, 楼栋) from its own spreadsheets: see README.md."""
