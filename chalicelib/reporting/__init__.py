"""一表通: the monthly community report of the city's information-sharing list, rolled up and submitted."""
