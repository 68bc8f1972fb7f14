"""Running the service for a city: the consistency check, backups, retention, metrics and request logs."""
