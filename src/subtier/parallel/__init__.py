"""The fork pool and the warm-up that make a command fast on every core."""
