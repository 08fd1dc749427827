"""The embedded default: a private PostgreSQL under .data/ when no DATABASE_URL is given.

pgserver ships PostgreSQL binaries in its wheel, so a fresh machine needs no service installed by hand.
The server is shared by every process that asks for it and stops when the last one exits.
"""

import os
import warnings
from pathlib import Path

DATABASE_NAME = "cpro"


def embedded_database(base_dir: Path) -> dict:
    data_dir = Path(os.environ.get("CPRO_DATA_DIR", base_dir / ".data"))
    data_dir.mkdir(parents=True, exist_ok=True)
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: pgserver then creates a `pgserver` system user with useradd,
        # which lives in /usr/sbin, often missing from a plain user's PATH.
        os.environ["PATH"] = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    import pgserver

    server = pgserver.get_server(data_dir / "pg", cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608 constant
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return {
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(server.pgdata),  # a Unix socket folder: nothing listens on the network
        "PORT": "",
    }
