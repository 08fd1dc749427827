"""`make test`: every test, in two pytest processes side by side so that the whole run stays under 15 minutes on
a 2-core machine. The side one takes the two long waits: the embedded default's lifecycle (tests/embedded, `make
run` started and stopped in subprocesses) and the accessibility crawl of every page (a browser); the main one
takes everything else. Each has its own test database (CPRO_TEST_DB_SUFFIX, cpro/settings/test.py) and, with
Redis, its own Redis database: neither sees the other's data, cache or tasks.

Arguments go to both; with a test path among them (`make test PYTEST_ARGS=tests/livret`), one plain run."""

import os
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit, urlunsplit

SIDE = ["tests/embedded", "tests/e2e/test_accessibilite.py"]
SIDE_REDIS_DB = "12"  # the main run uses REDIS_URL's own database; tests pick 13 and 15 for their workers


def _targets_tests(argv: list[str]) -> bool:
    return any(os.path.exists(arg.split("::")[0]) for arg in argv if not arg.startswith("-"))


def _side_env() -> dict:
    env = {**os.environ, "CPRO_TEST_DB_SUFFIX": "side"}
    if env.get("REDIS_URL"):
        env["REDIS_URL"] = urlunsplit(urlsplit(env["REDIS_URL"])._replace(path=f"/{SIDE_REDIS_DB}"))
    return env


def main(argv: list[str]) -> int:
    pytest = [sys.executable, "-m", "pytest"]
    if _targets_tests(argv):
        return subprocess.call([*pytest, *argv])
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        side = subprocess.Popen([*pytest, *SIDE, *argv], stdout=log, stderr=subprocess.STDOUT, env=_side_env())
        try:
            main_code = subprocess.call([*pytest, *(f"--ignore={path}" for path in SIDE), *argv])
            side_code = side.wait()
        finally:
            if side.poll() is None:  # Ctrl-C: the side run stops too
                side.terminate()
                side.wait(timeout=60)
        log.seek(0)
        print(f"\n===== en parallèle : {' '.join(SIDE)} =====", flush=True)
        sys.stdout.write(log.read())
    # pytest says 5 when it collected nothing: a run that tests nothing fails
    return main_code or side_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
