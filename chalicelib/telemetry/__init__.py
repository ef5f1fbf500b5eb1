"""The telemetry side: decoding device messages into the alert core's arrays, and (with the
IoT pipeline) the batch handler around it. Imports numpy; the API never imports it."""
