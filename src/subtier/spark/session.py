"""The Spark session: a cluster when a master is given (or SPARK_MASTER is set), else local mode."""

from __future__ import annotations

import importlib.util
import os
import sys
from importlib import resources
from typing import TYPE_CHECKING

from subtier.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOCAL = "local[*]"


def require_pyspark() -> None:
    """Fail with an instruction, not a traceback, when the spark extra is not installed."""
    missing = [m for m in ("pyspark", "pyarrow", "pandas") if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(
            f"--engine spark needs {', '.join(missing)}: pip install 'subtier[spark]' "
            "(and Java 17 or newer)"
        )


def master_url(master: str | None) -> str:
    return master or os.environ.get("SPARK_MASTER") or LOCAL


def spark_session(master: str | None = None, config: dict[str, str] | None = None) -> SparkSession:
    """A session for screening; an existing one (spark-submit, tests) is reused as it is."""
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # Python workers otherwise run whatever `python3` is first on PATH, which lacks subtier.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    url = master_url(master)
    builder = (
        SparkSession.builder.appName("subtier screen")
        .master(url)
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    if url.startswith("local") or "127.0.0.1" in url or "localhost" in url:
        # On one machine, stay on loopback: no firewall prompts, no guessing the host's address.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # Spark logs its start-up at WARN and INFO; a command's user wants the rows, and
        # errors. A cluster's driver options (spark-defaults.conf) are left as they are.
        logging = resources.files("subtier.spark").joinpath("log4j2.properties")
        builder = (
            builder.config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={logging}")
        )
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # Java missing, master unreachable: the JVM says which
        raise InputError(f"cannot start Spark at {url}: {error}") from None
    # Spark warns of things that are expected here (a header named other than the schema).
    session.sparkContext.setLogLevel(os.environ.get("SUBTIER_SPARK_LOG", "ERROR"))
    return session
