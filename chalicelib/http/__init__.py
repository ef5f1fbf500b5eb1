"""HTTP edge: the authorizer, the route helper, body parsing and the one error mapping."""
