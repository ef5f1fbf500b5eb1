"""Personal data under audit: reveals with a reason, the access log, and the residents' rights."""
