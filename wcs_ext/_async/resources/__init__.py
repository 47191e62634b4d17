"""One module per domain of the management API: its requests, its answers, its methods."""
