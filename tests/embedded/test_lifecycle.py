"""The embedded default survives every way `make run` can end: no stop may leave it unable to start.

Each test loops at least five stop-and-start cycles on its own copy of a prepared data folder.
"""

import signal
import subprocess
import time

import pytest

from .conftest import BASE_DIR, ONLY_EMBEDDED, Run, database_processes, demo_counts

CYCLES = 5
pytestmark = ONLY_EMBEDDED


def postmaster_pid(data) -> int:
    return int((data / "pg" / "postmaster.pid").read_text().splitlines()[0])


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_signal_to_the_process_group_stops_the_database_and_the_next_start_serves(data, runs, sig):
    for cycle in range(CYCLES + 1):
        run = Run(data)
        runs.append(run)
        run.start().wait_serving()
        assert database_processes(data), "la base embarquée devrait tourner pendant make run"
        if cycle == CYCLES:
            break
        first_server = postmaster_pid(data)
        run.signal_group(sig)
        run.wait_gone()
        assert not database_processes(data), f"cycle {cycle} : la base de ce make run tourne encore"
        assert not (data / "pg" / "postmaster.pid").exists()
        assert first_server not in [p.pid for p in database_processes(data)]
        assert "Traceback" not in run.output()
    assert demo_counts(data)["accounts_user"] >= 5


def test_a_power_cut_is_recovered_with_all_the_demo_data(data, runs):
    for cycle in range(CYCLES + 1):
        run = Run(data)
        runs.append(run)
        run.start().wait_serving()
        counts = demo_counts(data)
        if cycle == 0:
            before = counts
        assert counts == before, f"cycle {cycle} : des données manquent"
        assert run.get("/comptes/login/", host="demo.localhost") == 200
        if cycle == CYCLES:
            break
        kill_everything(run, data)
        assert (data / "pg" / "postmaster.pid").exists(), "un arrêt brutal laisse postmaster.pid : le test le veut"


@pytest.mark.parametrize("damage", ["empty", "truncated", "wrong"])
def test_a_damaged_state_file_is_repaired_at_the_next_start(data, runs, damage):
    before = None
    for cycle in range(CYCLES + 1):
        run = Run(data)
        runs.append(run)
        run.start().wait_serving()
        counts = demo_counts(data)
        before = before or counts
        assert counts == before
        assert "Traceback" not in run.output()
        if cycle == CYCLES:
            break
        # Alternately after a clean stop and after a power cut, which also leaves PostgreSQL's own files.
        if cycle % 2:
            run.signal_group(signal.SIGTERM)
            run.wait_gone()
        else:
            kill_everything(run, data)
        damage_state_files(data, damage)


def test_a_second_make_run_is_refused_and_says_where_the_first_serves(data, runs):
    first = Run(data)
    runs.append(first)
    first.start().wait_serving()
    for _ in range(CYCLES):
        second = Run(data)
        runs.append(second)
        second.start()
        assert second.process.wait(timeout=60) != 0
        output = second.output()
        assert "cpro est déjà lancé depuis ce dossier" in output
        assert first.url in output
        assert "Traceback" not in output
        assert first.get("/") == 200
    refused = clean_data(data, confirm=True)
    assert refused.returncode != 0 and "Rien n'a été effacé" in refused.stdout
    assert (data / "pg" / "PG_VERSION").exists() and first.get("/") == 200
    first.signal_group(signal.SIGINT)
    first.wait_gone()
    assert not database_processes(data)


def test_a_sigterm_to_make_alone_stops_everything_as_in_a_container(data, runs):
    """A container runtime signals only its main process: make passes SIGTERM on, the runner does the rest."""
    run = Run(data)
    runs.append(run)
    run.start().wait_serving()
    run.process.send_signal(signal.SIGTERM)
    run.wait_gone()
    assert not database_processes(data)
    assert not (data / "pg" / "postmaster.pid").exists()


def test_clean_data_asks_says_what_it_deletes_and_deletes_only_once_confirmed(data):
    unconfirmed = clean_data(data, confirm=False)
    assert unconfirmed.returncode != 0
    assert "efface définitivement toutes les données" in unconfirmed.stdout
    assert "Rien n'a été effacé" in unconfirmed.stdout
    assert (data / "pg" / "PG_VERSION").exists()
    confirmed = clean_data(data, confirm=True)
    assert confirmed.returncode == 0, confirmed.stdout
    assert not data.exists()


def test_a_failure_to_start_the_database_is_told_in_french_and_touches_no_data(data, runs):
    version = data / "pg" / "PG_VERSION"
    version.write_text("99\n")
    run = Run(data)
    runs.append(run)
    run.start()
    assert run.process.wait(timeout=120) != 0
    output = run.output()
    assert "PostgreSQL 99" in output and "Que faire" in output
    assert "Traceback" not in output
    assert version.read_text() == "99\n"
    version.write_text("16\n")
    run = Run(data)
    runs.append(run)
    run.start().wait_serving()
    assert demo_counts(data)["accounts_user"] >= 5


def clean_data(data, *, confirm: bool) -> subprocess.CompletedProcess:
    command = ["make", "--no-print-directory", "clean-data", *(["CONFIRMER=oui"] if confirm else [])]
    return subprocess.run(command, cwd=BASE_DIR, env=Run(data).env(), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


def kill_everything(run: Run, data) -> None:
    """A power cut: SIGKILL to make run's group and to every PostgreSQL process, nobody cleans up."""
    database = database_processes(data)
    run.signal_group(signal.SIGKILL)
    for process in database:
        process.kill()
    run.wait_gone()
    deadline = time.monotonic() + 30
    while database_processes(data) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not database_processes(data)


def damage_state_files(data, damage: str) -> None:
    """Every file a start could read: our run info and locks, pgserver's old list of pids, PostgreSQL's pid file."""
    files = [data / "run.json", data / "run.lock", data / "postgres.lock", data / "postgres.users.lock",
             data / "pg" / ".handle_pids.json", data / "pg" / "postmaster.pid"]
    for path in files:
        if damage == "empty":
            path.write_text("")
        elif damage == "truncated":
            content = path.read_text() if path.exists() else '[12345, 678'
            path.write_text(content[: max(1, len(content) // 3)])
        else:
            path.write_text("\x00garbage 99999999\n{not json")


def test_a_server_that_will_not_start_is_tried_twice_then_explained_with_what_pg_ctl_said(data, capsys):
    from cpro.embedded.postgres import EmbeddedDatabaseError, EmbeddedPostgres

    log = data / "pg" / "log"
    log.unlink(missing_ok=True)
    log.mkdir()  # pg_ctl cannot write its log: it fails before PostgreSQL says anything
    try:
        with pytest.raises(EmbeddedDatabaseError) as failure:
            EmbeddedPostgres(data).ensure_running()
    finally:
        log.rmdir()
    assert "pg_ctl (code 1)" in str(failure.value) and "Que faire" in str(failure.value)
    assert "premier démarrage en échec" in capsys.readouterr().err
    assert not database_processes(data)
