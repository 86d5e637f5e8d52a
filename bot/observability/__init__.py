"""What an operator sees of the service: metrics, structured logs and their redaction."""
