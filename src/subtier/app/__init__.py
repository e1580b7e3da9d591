"""One function per command. The CLI and the web app call these and compose nothing themselves."""
