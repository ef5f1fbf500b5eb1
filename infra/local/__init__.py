"""The local stack: moto as AWS, the API on Chalice's local server, the static front end."""
