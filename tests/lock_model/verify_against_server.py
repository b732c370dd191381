#!/usr/bin/env python3
"""Checks tests/fixtures/lock_model/cases.sql against a real PostgreSQL server.

For each case it runs the statement on a fresh copy of the cases' schema and observes:
  - the lock mode held on each table: pg_locks of the statement's own backend (inside a
    transaction block, before ROLLBACK), or, for statements that cannot run in one, the locks the
    statement holds or waits for while a second session blocks it;
  - a rewrite: pg_class.relfilenode changed;
  - a scan: pg_stat_xact_user_tables.seq_scan grew (not observable outside a transaction block).
It prints one line per case and exits 1 when the server contradicts a case.

Usage:
  verify_against_server.py                      start a throwaway server (initdb + pg_ctl) and stop it
  verify_against_server.py --host DIR --port N  use a running server (as user postgres)
The server binaries default to /usr/lib/postgresql/15/bin (--bindir). As root, the throwaway
server runs as the `postgres` user, since PostgreSQL refuses to run as root.
"""
import argparse
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "lock_model", "cases.sql")
MODES = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE",
         "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"]


def mode_of(pg_locks_name):  # "ShareRowExclusiveLock" -> "SHARE ROW EXCLUSIVE"
    return re.sub(r"(?<!^)([A-Z])", r" \1", pg_locks_name[: -len("Lock")]).upper()


def read_cases(path):
    base, cases, current = [], [], None
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if line.startswith("-- case: "):
            current = {"title": line[9:], "line": number, "setup": [], "session": [], "run": "",
                       "storage": "", "expect": {}, "sql": []}
            cases.append(current)
        elif current is None:
            if not line.startswith("--"):
                base.append(line)
        elif line.startswith("-- setup: "):
            current["setup"].append(line[10:])
        elif line.startswith("-- session: "):
            current["session"].append(line[12:])
        elif line.startswith("-- run: "):
            current["run"] = line[8:]
        elif line.startswith("-- storage: "):
            current["storage"] = line[12:]
        elif line.startswith("-- expect: "):
            words = line[11:].split()
            if words != ["none"]:
                current["expect"][words[0]] = (" ".join(words[1:-1]), words[-1])
        elif line and not line.startswith("--"):
            current["sql"].append(line)
    return "\n".join(base), cases


class Server:
    def __init__(self, host, port, run_as):
        self.host, self.port, self.run_as = host, port, run_as

    def psql(self, db, sql, check=True, app=None):
        env = dict(os.environ, PGAPPNAME=app or "pgshift-verify")
        result = subprocess.run(
            ["psql", "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", "-h", self.host,
             "-p", str(self.port), "-U", "postgres", "-d", db],
            input=sql, capture_output=True, text=True, env=env)
        if check and result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}\n--- SQL ---\n{sql}")
        return result

    def background(self, db, sql, app):
        env = dict(os.environ, PGAPPNAME=app)
        return subprocess.Popen(
            ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", self.host, "-p", str(self.port),
             "-U", "postgres", "-d", db, "-c", sql],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def as_user(user, argv):
    return ["runuser", "-u", user, "--"] + argv if user else argv


def start_server(bindir):
    directory = tempfile.mkdtemp(prefix="pgshift-lockmodel-")
    user = "postgres" if os.geteuid() == 0 else None
    if user:
        entry = pwd.getpwnam(user)
        os.chown(directory, entry.pw_uid, entry.pw_gid)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = os.path.join(directory, "data")
    subprocess.run(as_user(user, [os.path.join(bindir, "initdb"), "-D", data, "-U", "postgres",
                                  "--auth=trust"]), check=True, capture_output=True)
    subprocess.run(as_user(user, [os.path.join(bindir, "pg_ctl"), "-D", data, "-w", "-l",
                                  os.path.join(directory, "log"), "-o",
                                  f"-k {directory} -p {port} -c listen_addresses='' -c fsync=off "
                                  "-c synchronous_commit=off -c full_page_writes=off", "start"]),
                   check=True, capture_output=True)
    ts = os.path.join(directory, "ts")
    os.mkdir(ts)
    if user:
        os.chown(ts, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)

    def stop():
        subprocess.run(as_user(user, [os.path.join(bindir, "pg_ctl"), "-D", data, "-m", "fast", "stop"]),
                       capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)
    return Server(directory, port, user), ts, stop


BEFORE = """CREATE TEMP TABLE pgshift_before AS
  SELECT c.oid, c.relname, c.relfilenode, c.relkind FROM pg_class c
  WHERE c.relkind IN ('r', 'p', 'm') AND c.relnamespace = 'public'::regnamespace;
"""
LOCKS_OF_ME = """SELECT 'LOCK', b.relname, l.mode FROM pg_locks l JOIN pgshift_before b ON b.oid = l.relation
  WHERE l.pid = pg_backend_pid();
"""
WORK = """SELECT 'WORK', b.relname, b.relkind, COALESCE(c.relfilenode <> b.relfilenode, false),
  COALESCE(s.seq_scan, 0) FROM pgshift_before b LEFT JOIN pg_class c ON c.oid = b.oid
  LEFT JOIN pg_stat_xact_user_tables s ON s.relid = b.oid;
"""


def observe_in_transaction(server, db, case):
    sql = BEFORE + "BEGIN;\n" + "".join(s + ";\n" for s in case["session"]) + "\n".join(case["sql"]) + "\n"
    sql += LOCKS_OF_ME + WORK + "ROLLBACK;\n"
    return parse_observation(server.psql(db, sql).stdout, scans_visible=True)


def observe_outside_transaction(server, db, case):
    blocker = re.match(r"outside-transaction blocker=(\w+):(.+)$", case["run"])
    table, mode = blocker.group(1), blocker.group(2)
    before = server.psql(db, "SELECT relname, relfilenode, relkind FROM pg_class WHERE relkind IN ('r','p','m') "
                             "AND relnamespace = 'public'::regnamespace;").stdout
    holder = server.background(db, f"BEGIN; LOCK TABLE {table} IN {mode} MODE; SELECT pg_sleep(30); COMMIT;",
                               "pgshift-blocker")
    wait_for(server, db, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                         "WHERE a.application_name = 'pgshift-blocker' AND l.granted AND l.locktype = 'relation'")
    statement = server.background(db, "\n".join(case["sql"]), "pgshift-statement")
    wait_for(server, db, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                         "WHERE a.application_name = 'pgshift-statement' AND NOT l.granted")
    locks = server.psql(db, "SELECT 'LOCK', c.relname, l.mode FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                            "JOIN pg_class c ON c.oid = l.relation WHERE a.application_name = 'pgshift-statement' "
                            "AND c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r','p','m');").stdout
    server.psql(db, "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgshift-blocker';")
    holder.communicate()
    _, err = statement.communicate(timeout=60)
    if statement.returncode != 0:
        raise RuntimeError(f"statement failed: {err.strip()}")
    after = dict((row.split("|")[0], row.split("|")[1]) for row in
                 server.psql(db, "SELECT relname, relfilenode FROM pg_class WHERE relkind IN ('r','p','m') "
                                 "AND relnamespace = 'public'::regnamespace;").stdout.split())
    work = ""
    for row in before.split():
        name, node, kind = row.split("|")
        work += f"WORK|{name}|{kind}|{'t' if after.get(name, node) != node else 'f'}|0\n"
    return parse_observation(locks + work, scans_visible=False)


def wait_for(server, db, count_query, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if int(server.psql(db, count_query + ";").stdout.strip() or 0) > 0:
            return
        time.sleep(0.05)
    raise RuntimeError("timed out waiting for: " + count_query)


def parse_observation(text, scans_visible):
    modes, work = {}, {}
    for row in text.split("\n"):
        fields = row.split("|")
        if fields[0] == "LOCK":
            mode = mode_of(fields[2])
            if fields[1] not in modes or MODES.index(mode) > MODES.index(modes[fields[1]]):
                modes[fields[1]] = mode
        elif fields[0] == "WORK":
            _, name, kind, rewritten, scans = fields
            work[name] = (kind, rewritten == "t", int(scans) > 0 if scans_visible else None)
    return modes, work


def compare(case, modes, work):
    problems = []
    for table, (mode, expected_work) in case["expect"].items():
        if modes.get(table) != mode:
            problems.append(f"{table}: server takes {modes.get(table, 'nothing')}, case says {mode}")
        kind, rewritten, scanned = work.get(table, ("r", False, False))
        if kind == "p" or case["storage"] == "new":
            # A partitioned parent has no storage: its partitions do the work. New, empty storage
            # (TRUNCATE) changes relfilenode, and rebuilding the indexes reads the empty heap.
            continue
        if expected_work == "rewrite" and not rewritten:
            problems.append(f"{table}: not rewritten, case says rewrite")
        if expected_work != "rewrite" and rewritten:
            problems.append(f"{table}: rewritten (relfilenode changed), case says {expected_work}")
        if scanned is not None and not rewritten:
            if expected_work == "scan" and not scanned:
                problems.append(f"{table}: not scanned, case says scan")
            if expected_work == "catalog" and scanned:
                problems.append(f"{table}: scanned, case says catalog")
    for table, mode in modes.items():
        if table not in case["expect"] and mode != "ACCESS SHARE":
            problems.append(f"{table}: server takes {mode}, case lists nothing")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host")
    parser.add_argument("--port", type=int, default=5432)
    parser.add_argument("--bindir", default="/usr/lib/postgresql/15/bin")
    parser.add_argument("--cases", default=CASES)
    args = parser.parse_args()
    base, cases = read_cases(args.cases)
    stop = None
    if args.host:
        server, ts = Server(args.host, args.port, None), tempfile.mkdtemp(prefix="pgshift-ts-")
        if os.geteuid() == 0:  # the tablespace directory must belong to the server's user
            os.chown(ts, pwd.getpwnam("postgres").pw_uid, pwd.getpwnam("postgres").pw_gid)
    else:
        server, ts, stop = start_server(args.bindir)
    failures = 0
    try:
        version = server.psql("postgres", "SHOW server_version;").stdout.strip()
        server.psql("postgres", "DROP DATABASE IF EXISTS pgshift_lm_case; DROP DATABASE IF EXISTS pgshift_lm_shared;"
                                "DROP DATABASE IF EXISTS pgshift_lm_base; DROP TABLESPACE IF EXISTS pgshift_ts;")
        server.psql("postgres", f"CREATE TABLESPACE pgshift_ts LOCATION '{ts}';")
        server.psql("postgres", "CREATE DATABASE pgshift_lm_base;")
        server.psql("pgshift_lm_base", base)
        print(f"PostgreSQL {version}: {len(cases)} cases from {os.path.relpath(args.cases)}")
        # A case without setup that runs in a transaction block is rolled back: such cases share a
        # copy of the schema; the others get a fresh one.
        server.psql("postgres", "CREATE DATABASE pgshift_lm_shared TEMPLATE pgshift_lm_base;")
        for case in cases:
            db = "pgshift_lm_shared"
            if case["setup"] or case["run"]:
                db = "pgshift_lm_case"
                server.psql("postgres", "DROP DATABASE IF EXISTS pgshift_lm_case;"
                                        "CREATE DATABASE pgshift_lm_case TEMPLATE pgshift_lm_base;")
            try:
                if case["setup"]:
                    server.psql(db, "".join(s + "\n" for s in case["setup"]))
                observe = observe_outside_transaction if case["run"] else observe_in_transaction
                problems = compare(case, *observe(server, db, case))
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                problems = [str(error)]
            failures += bool(problems)
            print(f"{'ok  ' if not problems else 'FAIL'} cases.sql:{case['line']}: {case['title']}")
            for problem in problems:
                print(f"       {problem}")
        server.psql("postgres", "DROP DATABASE IF EXISTS pgshift_lm_case; DROP DATABASE pgshift_lm_shared;"
                                "DROP DATABASE pgshift_lm_base; DROP TABLESPACE pgshift_ts;")
    finally:
        if stop:
            stop()
    print(f"{len(cases) - failures} of {len(cases)} cases agree with the server")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
