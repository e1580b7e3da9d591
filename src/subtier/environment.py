"""The environment variables subtier reads: one table, checked against the code by a test and
printed in docs/environment.md by ``scripts/build_docs.py``."""

from __future__ import annotations

__all__ = ["ENVIRONMENT", "environment_table"]

# name → (default, what it does)
ENVIRONMENT: dict[str, tuple[str, str]] = {
    "SUBTIER_HOME": (
        "`~/.local/share/subtier`",
        "Where registered lists and their prepared copies (`prepared/`) are kept.",
    ),
    "SUBTIER_DATABASE_URL": (
        "`sqlite:///subtier.db`",
        "The workspace database for `add`, `history`, `monitor`, `review`, `serve`...; "
        "`postgresql://...` needs the `postgres` extra. `--database` wins over it.",
    ),
    "SUBTIER_PREPARED": (
        "`1`",
        "`0`, `no` or `false`: do not keep or use prepared copies of large lists.",
    ),
    "SUBTIER_ADMIN_TOKEN": (
        "none",
        "`subtier serve`: a single token that signs a buyer in. `--admin-token` wins over it.",
    ),
    "SUBTIER_PASSWORD": (
        "a prompt",
        "`subtier serve --add-user NAME`: the new account's password.",
    ),
    "SUBTIER_SMTP_HOST": (
        "none",
        "`subtier serve`: the SMTP server for invitation and notification e-mails; without one,"
        " invitation links are only shown to copy. `--smtp-host` wins over it.",
    ),
    "SUBTIER_SMTP_PORT": ("`25` (`587` with STARTTLS)", "`subtier serve`: the SMTP port."),
    "SUBTIER_SMTP_FROM": ("none", "`subtier serve`: the From address of the e-mails."),
    "SUBTIER_SMTP_STARTTLS": (
        "`0`",
        "`1`: upgrade the SMTP connection with STARTTLS. `--smtp-starttls` wins over it.",
    ),
    "SUBTIER_SMTP_USER": ("none", "`subtier serve`: the SMTP user name."),
    "SUBTIER_SMTP_PASSWORD": (
        "none",
        "`subtier serve`: the SMTP password (never a command-line option, which others can see).",
    ),
    "SUBTIER_PUBLIC_URL": (
        "none",
        "`subtier serve`: where buyers reach the app, for dashboard links in notifications.",
    ),
    "SUBTIER_FILES": (
        "`files/` next to a SQLite workspace, else `./subtier-files`",
        "Where documents attached to disclosures are kept (by SHA-256); `serve` and"
        " `audit verify` read it.",
    ),
    "SPARK_MASTER": (
        "`local[*]`",
        "`--engine spark`: the Spark master URL. `--spark-master` wins over it.",
    ),
    "SUBTIER_SPARK_LOG": ("`ERROR`", "`--engine spark`: Spark's log level."),
    "SUBTIER_DEBUG": (
        "`0`",
        "`1`: on an internal error (exit code 3), print the traceback, as `--debug` does.",
    ),
    "SUBTIER_USER": (
        "the login name",
        "Who is acting, in the workspace's records and audit trail, and who prepared a report"
        " (`check --format pdf`). `--by` wins over it.",
    ),
}


def environment_table() -> str:
    """The table of docs/environment.md."""
    rows = ["| variable | default | what it does |", "|---|---|---|"]
    rows += [f"| `{name}` | {default} | {what} |" for name, (default, what) in ENVIRONMENT.items()]
    return "\n".join(rows)
