#!/usr/bin/env python3
"""Plans real hazardous migrations with `pgshift plan new` and runs each plan on a sandbox seeded
with the project's history before it.

For every case of cases.tsv (a migration file of the corpus and why it is hazardous):

 1. starts a sandbox (`pgshift sandbox start`), creates a database `seed` and applies every up
    migration of the project before the case, in the project's own order, each as its tool runs
    it (in a transaction); a history file that fails is noted with its error and skipped;
 2. dumps the seeded schema (`pg_dump --schema-only`) for `plan new --schema`, and inserts a few
    rows into the tables the migration names (and the tables their foreign keys point at), so
    that backfills, gates and validations have rows to work on;
 3. copies `seed` three times (CREATE DATABASE ... TEMPLATE): `direct`, `planned`, `rehearsal`;
 4. `pgshift plan new MIGRATION --schema schema.sql`, then `pgshift plan` on the result;
 5. applies the migration as written on `direct`;
 6. on `rehearsal`: `pgshift run --through switch`, then `pgshift rollback` from that checkpoint
    (before contract), and compares its catalog with `seed`'s;
 7. on `planned`: `pgshift run --through contract`, and compares its catalog and the rows of the
    touched tables with `direct`'s;
 8. stops the sandbox.

The catalog is compared by a query of this script's own (columns, constraints, indexes,
triggers, functions, views, sequences, enum types; the runner's `pgshift` schema left out), not
by pgshift. Columns are compared by name: a column the plan re-creates (a rename, a type
change) comes last in its table, which is reported as a column-order difference and not counted
as a mismatch.

Verdicts: `made safe` (plan new exit 0, the plan passes, runs through contract to the catalog of
the direct migration, and the rollback from switch restores the seed), `NOT MADE SAFE` (plan new
exit 1: its reasons are listed; the partial plan is still run where it can be, for information),
`failed` (anything else: which step and why).

    bench/plan_new/run.py [--pgshift build/pgshift] [--corpus /work/shared/corpus]
                          [--cases bench/plan_new/cases.tsv] [--work DIR] [--only ID,...]
                          [--rows N] [--markdown]

Needs psql, pg_dump and the PostgreSQL server binaries the sandbox runs. Writes
DIR/results.json and, with --markdown, prints the results table; --report RESULTS_JSON prints
the table of an earlier run. Exit status: 0 when every case
was run (whatever its verdict), 1 when the corpus or a tool is missing, 2 on bad arguments.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# How each project of the corpus orders and runs its migrations.
TOOLS = {
    "LemmyNet__lemmy": "diesel",
    "rust-lang__crates.io": "diesel",
    "documenso__documenso": "prisma",
    "ory__kratos": "pop",
}


# ---------------------------------------------------------------------------------------------
# History


def read_manifest(corpus):
    rows = []
    with open(corpus / "MANIFEST.public.tsv", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            file = row["file"]
            if file.startswith("public/"):
                file = file[len("public/"):]
            rows.append((file, row["source_path"]))
    return rows


def history_key(tool, source_path):
    """The sort key of an up migration in its tool's order, or None for anything else."""
    if tool == "diesel":
        m = re.fullmatch(r"migrations/([^/]+)/up\.sql", source_path)
        if not m:
            return None
        folder = m.group(1)
        # diesel: the folder name before the first `_`, without `-`, compared as text.
        return (folder.split("_")[0].replace("-", ""), folder)
    if tool == "prisma":
        m = re.fullmatch(r".*/migrations/([^/]+)/migration\.sql", source_path)
        return (m.group(1),) if m else None
    if tool == "pop":
        m = re.fullmatch(
            r".*/migrations/sql/(\d+)_(.+?)(\.postgres)?(\.autocommit)?\.up\.sql", source_path)
        if not m or re.search(r"\.(mysql|sqlite3|cockroach)\.", source_path):
            return None
        # pop: by version as a number; a dialect's own file replaces the one for all dialects.
        return (int(m.group(1)), m.group(2), 0 if m.group(3) else 1)
    raise ValueError(tool)


def project_history(corpus, manifest, project):
    """The project's up migrations in order: [(corpus file path, source path)]."""
    tool = TOOLS[project]
    keyed = []
    for file, source in manifest:
        if not file.startswith(project + "/"):
            continue
        key = history_key(tool, source)
        if key is not None:
            keyed.append((key, corpus / file, source))
    keyed.sort(key=lambda k: k[0])
    if tool == "pop":
        # networkx and persistence both carry the same "networks" migration; pop runs a version
        # once, the dialect-specific file first.
        seen, unique = set(), []
        for key, path, source in keyed:
            if (key[0], key[1]) in seen:
                continue
            seen.add((key[0], key[1]))
            unique.append((key, path, source))
        keyed = unique
    return [(path, source) for _, path, source in keyed]


def runs_in_transaction(project, source, sql):
    if TOOLS[project] == "pop":
        return ".autocommit." not in source
    # diesel's run_in_transaction = false sits in metadata.toml, which the corpus (SQL files
    # only) does not hold; a file building an index CONCURRENTLY must have had it.
    if TOOLS[project] == "diesel":
        return not re.search(r"\bCONCURRENTLY\b", re.sub(r"--[^\n]*", "", sql), re.I)
    return True


# ---------------------------------------------------------------------------------------------
# Processes and SQL


def run(argv, env=None, timeout=600, stdin=None, cwd=None):
    started = time.monotonic()
    try:
        p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout,
                           input=stdin, cwd=cwd)
        return p.returncode, p.stdout, p.stderr, time.monotonic() - started
    except subprocess.TimeoutExpired as e:
        return 124, e.stdout or "", f"timed out after {timeout} s", time.monotonic() - started


def db_url(server_url, name):
    parts = urllib.parse.urlsplit(server_url)
    if parts.scheme.startswith("postgres"):
        return urllib.parse.urlunsplit(parts._replace(path="/" + name))
    return f"{server_url} dbname={name}"  # key=value form


def psql(url, sql=None, file=None, single_transaction=False, stop_on_error=True, timeout=600):
    argv = ["psql", "-X", "-q", "-At", "-d", url]
    if stop_on_error:
        argv += ["-v", "ON_ERROR_STOP=1"]
    if single_transaction:
        argv.append("-1")
    if file is not None:
        argv += ["-f", str(file)]
    code, out, err, _ = run(argv, timeout=timeout, stdin=sql)
    return code, out, err


def first_error(stderr):
    for line in stderr.splitlines():
        if "ERROR" in line or "FATAL" in line:
            return re.sub(r"^psql:[^:]*:\d+: ", "", line).strip()
    return stderr.strip().splitlines()[-1] if stderr.strip() else ""


def quote_ident(name):
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value):
    return "'" + value.replace("'", "''") + "'"


# The catalog as sorted lines, for comparing two databases; system schemas and the runner's
# ledger left out. Column order is a line of its own, so that it can be told apart.
CATALOG_SQL = r"""
WITH ns AS (
  SELECT oid, nspname FROM pg_namespace
  WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pgshift', 'pg_toast')
    AND nspname NOT LIKE 'pg_temp_%' AND nspname NOT LIKE 'pg_toast_temp_%'
), rel AS (
  SELECT c.oid, c.relkind, quote_ident(ns.nspname) || '.' || quote_ident(c.relname) AS name
  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
), ext AS (  -- objects an extension owns are the extension's business
  SELECT objid FROM pg_depend WHERE deptype = 'e'
)
SELECT line FROM (
  SELECT format('relation %s kind=%s', rel.name, rel.relkind) AS line
  FROM rel WHERE rel.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')
    AND rel.oid NOT IN (SELECT objid FROM ext)
  UNION ALL
  SELECT format('column %s.%s %s %s default %s', rel.name, quote_ident(a.attname),
                format_type(a.atttypid, a.atttypmod),
                CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END,
                coalesce(pg_get_expr(d.adbin, d.adrelid), '-'))
  FROM rel JOIN pg_attribute a ON a.attrelid = rel.oid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE rel.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND a.attnum > 0 AND NOT a.attisdropped
    AND rel.oid NOT IN (SELECT objid FROM ext)
  UNION ALL
  SELECT format('column-order %s: %s', rel.name,
                string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum))
  FROM rel JOIN pg_attribute a ON a.attrelid = rel.oid
  WHERE rel.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  GROUP BY rel.name
  UNION ALL
  SELECT format('constraint %s.%s %s%s', rel.name, quote_ident(con.conname),
                pg_get_constraintdef(con.oid),
                CASE WHEN con.convalidated THEN '' ELSE ' (not validated)' END)
  FROM pg_constraint con JOIN rel ON rel.oid = con.conrelid
  UNION ALL
  SELECT format('index %s%s', pg_get_indexdef(i.indexrelid),
                CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END)
  FROM pg_index i JOIN rel ON rel.oid = i.indrelid
  UNION ALL
  SELECT format('trigger %s', pg_get_triggerdef(t.oid))
  FROM pg_trigger t JOIN rel ON rel.oid = t.tgrelid WHERE NOT t.tgisinternal
  UNION ALL
  SELECT format('function %s body-md5 %s', p.oid::regprocedure, md5(p.prosrc))
  FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
  WHERE p.oid NOT IN (SELECT objid FROM ext)
  UNION ALL
  SELECT format('view %s definition-md5 %s', rel.name, md5(pg_get_viewdef(rel.oid)))
  FROM rel WHERE rel.relkind IN ('v', 'm')
  UNION ALL
  SELECT format('type %s enum (%s)', t.oid::regtype,
                string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder))
  FROM pg_type t JOIN ns ON ns.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
  GROUP BY t.oid
  UNION ALL
  SELECT format('extension %s', extname) FROM pg_extension
) lines ORDER BY line;
"""


def catalog(url):
    code, out, err = psql(url, CATALOG_SQL)
    if code != 0:
        raise RuntimeError("catalog query failed: " + first_error(err))
    return out.splitlines()


def compare_catalogs(expected, actual):
    """(differences, column-order differences): lines only in one side, '-' expected '+' actual."""
    exp, act = set(expected), set(actual)
    diff = [("-", l) for l in sorted(exp - act)] + [("+", l) for l in sorted(act - exp)]
    order = [d for d in diff if d[1].startswith("column-order ")]
    other = [d for d in diff if not d[1].startswith("column-order ")]
    return other, order


# ---------------------------------------------------------------------------------------------
# Seed rows

TABLES_SQL = r"""
SELECT coalesce(json_agg(t), '[]') FROM (
  SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, c.relname AS bare,
    (SELECT json_agg(json_build_object(
        'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
        'base', bt.typname, 'category', bt.typcategory, 'notnull', a.attnotnull,
        'default', d.adbin IS NOT NULL OR a.attidentity <> '' OR a.attgenerated <> '',
        'labels', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder)
                   FROM pg_enum e WHERE e.enumtypid = bt.oid)) ORDER BY a.attnum)
     FROM pg_attribute a
     JOIN pg_type ty ON ty.oid = a.atttypid
     JOIN pg_type bt ON bt.oid = CASE WHEN ty.typtype = 'd' THEN ty.typbasetype ELSE ty.oid END
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
    (SELECT coalesce(json_agg(json_build_object(
        'columns', (SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(con.conkey)
                    WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.conrelid
                    AND a.attnum = k.n),
        'parent', quote_ident(pn.nspname) || '.' || quote_ident(pc.relname),
        'parent_columns', (SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(con.confkey)
                    WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.confrelid
                    AND a.attnum = k.n))), '[]')
     FROM pg_constraint con JOIN pg_class pc ON pc.oid = con.confrelid
     JOIN pg_namespace pn ON pn.oid = pc.relnamespace
     WHERE con.conrelid = c.oid AND con.contype = 'f') AS fkeys
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgshift')
) t;
"""

# Table names a migration touches: ALTER TABLE, UPDATE, CREATE INDEX ... ON, REFERENCES, ...
TOUCH_RE = re.compile(
    r"\b(?:ALTER\s+TABLE(?:\s+IF\s+EXISTS)?(?:\s+ONLY)?|UPDATE(?:\s+ONLY)?|INSERT\s+INTO|"
    r"DELETE\s+FROM|REFERENCES|\bON(?:\s+ONLY)?|TRUNCATE(?:\s+TABLE)?|DROP\s+TABLE"
    r"(?:\s+IF\s+EXISTS)?)\s+((?:\"[^\"]+\"|[A-Za-z_][\w$]*)(?:\.(?:\"[^\"]+\"|[A-Za-z_][\w$]*))?)",
    re.IGNORECASE)


def touched_tables(sql, tables):
    """The tables of the database that the migration names, in the order it names them."""
    by_name = {t["bare"]: t["name"] for t in tables}
    found = []
    for m in TOUCH_RE.finditer(re.sub(r"--[^\n]*", "", sql)):
        last = re.findall(r'"[^"]+"|[^."]+', m.group(1))[-1]
        # Unquoted names fold to lower case, as PostgreSQL folds them.
        bare = last[1:-1] if last.startswith('"') else last.lower()
        if bare in by_name and by_name[bare] not in found:
            found.append(by_name[bare])
    return found


def value_sql(column, table, i, version_like=False):
    """A literal for row i of a column, or None when the type is not one this seeder knows.
    version_like: text as a version number (1.0.i), for tables whose triggers parse one."""
    base, category, ctype = column["base"], column["category"], column["type"]
    if category == "A":
        return "'{}'"
    if column["labels"]:
        labels = column["labels"]
        return quote_literal(labels[i % len(labels)])
    if base in ("int2", "int4", "int8", "numeric", "float4", "float8", "oid"):
        return str(i + 1)
    if base in ("text", "varchar", "bpchar", "citext", "name"):
        m = re.search(r"\((\d+)\)", ctype)
        text = f"1.0.{i}" if version_like else f"{column['name']}-{table}-{i}"
        if m and not version_like:
            limit = int(m.group(1))
            text = (column["name"][: max(1, limit - len(str(i)) - 1)] + "-" + str(i))[-limit:]
        return quote_literal(text)
    if base == "bool":
        return "true" if i % 2 == 0 else "false"
    if base in ("timestamp", "timestamptz", "date"):
        return f"timestamp '2024-01-01 12:00' + interval '{i} day'"
    if base in ("time", "timetz"):
        return "'12:00'"
    if base == "interval":
        return f"interval '{i + 1} hour'"
    if base == "uuid":
        return f"md5({quote_literal(table + column['name'] + str(i))})::uuid"
    if base in ("json", "jsonb"):
        return "'{}'"
    if base == "bytea":
        return f"'\\x{i + 1:02x}'::bytea"
    if base in ("inet", "cidr"):
        return f"'10.0.0.{i + 1}'"
    if base == "ltree":
        return f"'0.{i + 1}'"
    if base == "tsvector":
        return "''"
    return None


def seed_sql(tables, touched, rows):
    """INSERTs for the touched tables and, first, the tables their foreign keys point at."""
    by_name = {t["name"]: t for t in tables}
    order, visiting = [], set()

    def visit(name):
        if name in order or name in visiting or name not in by_name:
            return
        visiting.add(name)
        for fk in by_name[name]["fkeys"]:
            if fk["parent"] != name:
                visit(fk["parent"])
        order.append(name)

    for name in touched:
        visit(name)

    statements = []
    for name in order:
        table = by_name[name]
        fk_columns = {}
        joins = []
        for k, fk in enumerate(table["fkeys"]):
            alias = f"p{k}"
            cols = ", ".join(quote_ident(c) for c in fk["parent_columns"])
            joins.append((alias, cols, fk["parent"]))
            for c, pc in zip(fk["columns"], fk["parent_columns"]):
                fk_columns.setdefault(c, f"{alias}.{quote_ident(pc)}")
        for i in range(rows):
            def insert(only_required, version_like=False):
                names, values = [], []
                for column in table["columns"]:
                    if column["default"] and column["name"] not in fk_columns:
                        continue
                    if only_required and not column["notnull"]:
                        continue
                    if column["name"] in fk_columns:
                        value = fk_columns[column["name"]]
                    else:
                        value = value_sql(column, table["bare"], i, version_like)
                    if value is None:
                        continue
                    names.append(quote_ident(column["name"]))
                    values.append(value)
                lateral = "".join(
                    f" LEFT JOIN LATERAL (SELECT {cols} FROM {parent} ORDER BY 1 OFFSET "
                    f"{i} % greatest(1, (SELECT count(*) FROM {parent})) LIMIT 1) {alias} ON true"
                    for alias, cols, parent in joins)
                if not names:
                    return f"INSERT INTO {name} DEFAULT VALUES;"
                return (f"INSERT INTO {name} ({', '.join(names)}) SELECT {', '.join(values)} "
                        f"FROM (SELECT 1) one{lateral};")

            # Every column, then the NOT NULL ones only; text made up from the names, then
            # version-like. The first INSERT the table takes wins.
            attempts = [insert(False), insert(False, True), insert(True), insert(True, True)]
            block = "NULL;"
            for attempt in reversed(attempts):
                block = f"BEGIN {attempt} EXCEPTION WHEN others THEN {block} END;"
            statements.append(f"DO $seed$ BEGIN {block} END $seed$;")
    return order, "\n".join(statements) + "\n"


def row_counts(url, tables):
    if not tables:
        return {}
    sql = " UNION ALL ".join(
        f"SELECT {quote_literal(t)}, count(*) FROM {t}" for t in tables) + ";"
    code, out, _ = psql(url, sql)
    counts = {}
    if code == 0:
        for line in out.splitlines():
            name, _, n = line.rpartition("|")
            counts[name] = int(n)
    return counts


def table_digest(url, table):
    """md5 of a table's rows with its columns in name order, or None when it is absent."""
    code, out, _ = psql(url, f"""
      SELECT string_agg(quote_ident(attname), ', ' ORDER BY attname) FROM pg_attribute
      WHERE attrelid = to_regclass({quote_literal(table)}) AND attnum > 0 AND NOT attisdropped;""")
    cols = out.strip()
    if code != 0 or not cols:
        return None
    code, out, _ = psql(url, f"SELECT md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), "
                             f"'')) FROM (SELECT {cols} FROM {table}) r;")
    return out.strip() if code == 0 else None


# ---------------------------------------------------------------------------------------------
# One case


def not_made_safe_reasons(stderr):
    reasons = []
    for line in stderr.splitlines():
        m = re.search(r":(\d+):\d+: NOT MADE SAFE: (.*)", line)
        if m:
            reasons.append(f"line {m.group(1)}: {m.group(2)}")
    return reasons


def lint_findings(pgshift, migration, env, cwd):
    """The error rules `pgshift lint` reports on the file alone, most frequent first."""
    _, out, _, _ = run([pgshift, "lint", "--color", "never", "--fail-on", "never", str(migration)],
                       env=env, cwd=cwd)
    counts = {}
    for m in re.finditer(r"^.*:\d+:\d+: (error)\[([a-z0-9-]+)\]", out, re.M):
        counts[m.group(2)] = counts.get(m.group(2), 0) + 1
    return sorted(counts, key=lambda r: (-counts[r], r))


def run_case(case, args, history, env, work):
    result = {"id": case["id"], "file": case["file"], "hazard": case["hazard"],
              "intended_note": case["intended_note"], "history_failures": [], "steps": {}}
    started = time.monotonic()
    migration = args.corpus / case["file"]
    project = case["file"].split("/")[0]
    index = next((k for k, (p, _) in enumerate(history) if p == migration), None)
    if index is None:
        result.update(verdict="failed", why="not an up migration of the project's history")
        return result
    before = history[:index]
    result["history_applied"] = len(before)
    case_dir = work / case["id"]
    case_dir.mkdir(parents=True, exist_ok=True)
    pgshift = str(args.pgshift)
    sandbox = f"plan-new-{case['id']}"
    result["lint"] = lint_findings(pgshift, migration, env, case_dir)

    code, out, err, _ = run([pgshift, "sandbox", "start", "--name", sandbox], env=env)
    if code != 0:
        result.update(verdict="failed", why="sandbox did not start: " + err.strip())
        return result
    server = out.strip().splitlines()[-1]
    try:
        urls = {name: db_url(server, name) for name in ("seed", "direct", "planned", "rehearsal")}
        psql(server, "CREATE DATABASE seed;")

        # 1. The history, as the project's tool runs it.
        t0 = time.monotonic()
        for path, source in before:
            code, _, err = psql(urls["seed"], file=path,
                                single_transaction=runs_in_transaction(
                                    project, source, path.read_text()))
            if code != 0:
                result["history_failures"].append({"file": source, "error": first_error(err)})
        result["steps"]["history_s"] = round(time.monotonic() - t0, 1)

        # 2. Schema for plan new, rows for the touched tables.
        code, schema, err, _ = run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges",
                                    "-d", urls["seed"]])
        if code != 0:
            result.update(verdict="failed", why="pg_dump: " + first_error(err))
            return result
        (case_dir / "schema.sql").write_text(schema)
        code, out, err = psql(urls["seed"], TABLES_SQL)
        tables = json.loads(out) if code == 0 else []
        touched = touched_tables(migration.read_text(), tables)
        seeded, sql = seed_sql(tables, touched, args.rows)
        (case_dir / "seed_rows.sql").write_text(sql)
        psql(urls["seed"], file=case_dir / "seed_rows.sql", stop_on_error=False)
        result["rows"] = row_counts(urls["seed"], touched)
        for name in ("direct", "planned", "rehearsal"):
            code, _, err = psql(server, f"CREATE DATABASE {name} TEMPLATE seed;")
            if code != 0:
                result.update(verdict="failed", why="copy of the seed: " + first_error(err))
                return result
        seed_catalog = catalog(urls["seed"])

        # 3. plan new, and the generated plan checked.
        plan = case_dir / "plan.toml"
        code, _, err, _ = run([pgshift, "plan", "new", str(migration), "--schema",
                               str(case_dir / "schema.sql"), "--id", f"corpus-{case['id']}",
                               "-o", str(plan)], env=env)
        (case_dir / "plan_new.stderr").write_text(err)
        result["steps"]["plan_new_exit"] = code
        reasons = not_made_safe_reasons(err)
        result["not_made_safe"] = reasons
        if code not in (0, 1) or not plan.exists():
            result.update(verdict="failed", why=f"plan new exit {code}: " + err.strip()[-300:])
            return result
        code, out, err, _ = run([pgshift, "plan", str(plan)], env=env)
        (case_dir / "plan.txt").write_text(out + err)
        result["steps"]["plan_exit"] = code
        result["stages"] = len(re.findall(r"^\[\[stage\]\]", plan.read_text(), re.M))

        # 4. The migration as written.
        code, _, err = psql(urls["direct"], file=migration,
                            single_transaction=runs_in_transaction(project, case["file"],
                                                                 migration.read_text()))
        result["steps"]["direct_ok"] = code == 0
        if code != 0:
            result["direct_error"] = first_error(err)

        if result["steps"]["plan_exit"] != 0:
            refusal = "pgshift plan refuses the generated plan: " + first_line(out + err)
            if reasons:
                result.update(verdict="NOT MADE SAFE", why="; ".join(reasons),
                              partial_plan=refusal)
            else:
                result.update(verdict="failed", why=refusal)
            return result

        journal = str(case_dir / "journal.db")
        common = ["--journal", journal, "--progress", "none"]

        # 5. Rehearsal: through switch, then roll back from that checkpoint.
        code, out, err, took = run([pgshift, "run", str(plan), "--db", urls["rehearsal"],
                                    "--through", "switch"] + common, env=env)
        (case_dir / "run_switch.log").write_text(out + err)
        result["steps"]["run_switch_exit"] = code
        result["steps"]["run_switch_s"] = round(took, 1)
        if code == 0:
            # A stage that cannot be undone (a batched DELETE) is as far back as a rollback goes:
            # to its checkpoint, which `pgshift rollback` proves by fingerprint, not to the seed.
            to = last_irreversible_before_contract(plan)
            code, out, err, took = run([pgshift, "rollback", str(plan), "--db",
                                        urls["rehearsal"], "--journal", journal] +
                                       (["--to", to] if to else []), env=env)
            (case_dir / "rollback.log").write_text(out + err)
            result["steps"]["rollback_exit"] = code
            result["steps"]["rollback_s"] = round(took, 1)
            if to:
                result["rollback_to"] = to
            else:
                diff, order = compare_catalogs(seed_catalog, catalog(urls["rehearsal"]))
                result["rollback_catalog_diff"] = [s + " " + l for s, l in diff + order]

        # 6. Through contract, against the migration applied as written.
        code, out, err, took = run([pgshift, "run", str(plan), "--db", urls["planned"],
                                    "--through", "contract"] + common, env=env)
        (case_dir / "run_contract.log").write_text(out + err)
        result["steps"]["run_contract_exit"] = code
        result["steps"]["run_contract_s"] = round(took, 1)
        if result["steps"]["direct_ok"]:
            diff, order = compare_catalogs(catalog(urls["direct"]), catalog(urls["planned"]))
            result["catalog_diff"] = [s + " " + l for s, l in diff]
            result["column_order_diff"] = [s + " " + l for s, l in order]
            allowed = re.compile(case["intended"]) if case["intended"] else None
            result["intended_diff"] = [d for d in result["catalog_diff"]
                                       if allowed and allowed.search(d)]
            result["catalog_diff"] = [d for d in result["catalog_diff"]
                                      if d not in result["intended_diff"]]
            result["data_diff"] = [t for t in seeded if t in touched and
                                   table_digest(urls["direct"], t) !=
                                   table_digest(urls["planned"], t)]

        s = result["steps"]
        failures = []
        if s.get("run_switch_exit") != 0:
            failures.append(f"run through switch exit {s.get('run_switch_exit')}: " +
                            last_error(case_dir / "run_switch.log"))
        elif s.get("rollback_exit") != 0:
            failures.append(f"rollback exit {s.get('rollback_exit')}: " +
                            last_error(case_dir / "rollback.log"))
        elif result.get("rollback_catalog_diff"):
            failures.append("rollback left the catalog different from the seed")
        if s.get("run_contract_exit") != 0:
            failures.append(f"run through contract exit {s.get('run_contract_exit')}: " +
                            last_error(case_dir / "run_contract.log"))
        if not s["direct_ok"]:
            failures.append("the migration as written fails on the seeded history: " +
                            result.get("direct_error", ""))
        elif result.get("catalog_diff"):
            failures.append(f"catalog differs from the direct migration "
                            f"({len(result['catalog_diff'])} lines)")
        if reasons:
            result.update(verdict="NOT MADE SAFE", why="; ".join(reasons),
                          partial_plan="; ".join(failures) or "ran and rolled back")
        elif failures:
            result.update(verdict="failed", why="; ".join(failures))
        else:
            result.update(verdict="made safe", why="")
            if result.get("rollback_to"):
                result["why"] = (f"rolled back to the checkpoint of `{result['rollback_to']}`, "
                                 "which cannot be undone")
        return result
    finally:
        run([pgshift, "sandbox", "stop", "--name", sandbox], env=env)
        result["seconds"] = round(time.monotonic() - started, 1)


def last_irreversible_before_contract(plan):
    """The id of the last stage before contract whose rollback is "irreversible", or None."""
    stages = tomllib.loads(plan.read_text()).get("stage", [])
    last = None
    for stage in stages:
        if stage.get("phase") != "contract" and stage.get("rollback") == "irreversible":
            last = stage.get("id")
    return last


def first_line(text):
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    return lines[0][:300] if lines else ""


def last_error(log):
    lines = [l for l in log.read_text().splitlines() if l.strip()]
    for line in reversed(lines):
        if "error" in line.lower() or "fail" in line.lower():
            return line.strip()[:300]
    return lines[-1][:300] if lines else ""


# ---------------------------------------------------------------------------------------------
# Report


def markdown(results, total_s):
    counts = {}
    for r in results:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    lines = [
        f"{len(results)} migrations: " + ", ".join(
            f"{counts.get(v, 0)} {v}" for v in ("made safe", "NOT MADE SAFE", "failed")) +
        f"; {total_s / 60:.1f} min in all.", "",
        "| # | migration | hazard (lint errors) | history (failed) | rows seeded | stages | verdict | notes |",
        "|---|---|---|---:|---|---:|---|---|",
    ]
    for r in results:
        name = r["file"].split("/", 1)[1].replace("__", "/")
        name = re.sub(r"^(packages/prisma/)?migrations/", "", name)
        rows = ", ".join(f"{t.split('.')[-1]} {n}" for t, n in r.get("rows", {}).items())
        notes = r.get("why", "")
        if r.get("partial_plan"):
            notes += f" (the rest of the plan: {r['partial_plan']})"
        if r.get("intended_diff"):
            notes += f"; intended: {len(r['intended_diff'])} catalog lines ({r.get('intended_note', '')})"
        if r.get("column_order_diff"):
            notes += "; column order differs (re-created columns come last)"
        if r.get("data_diff"):
            notes += "; rows differ in " + ", ".join(r["data_diff"])
        lines.append(
            f"| {r['id']} | `{name}` | {r['hazard']} ({', '.join(r.get('lint', [])) or 'none'}) "
            f"| {r.get('history_applied', '-')} "
            f"({len(r['history_failures'])}) | {rows} | {r.get('stages', '-')} | {r['verdict']} "
            f"| {notes.replace('|', '/')} |")
    return "\n".join(lines)


def read_cases(path):
    cases = []
    with open(path, newline="") as f:
        for row in csv.DictReader((l for l in f if not l.startswith("#")), delimiter="\t"):
            intended, _, note = (row.get("intended") or "").partition("  # ")
            cases.append({"id": row["id"], "file": row["file"], "hazard": row["hazard"],
                          "intended": intended.strip(), "intended_note": note.strip()})
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pgshift", type=Path, default=ROOT / "build" / "pgshift")
    parser.add_argument("--corpus", type=Path,
                        default=Path(os.environ.get("PGSHIFT_CORPUS", "/work/shared/corpus")))
    parser.add_argument("--cases", type=Path, default=HERE / "cases.tsv")
    parser.add_argument("--work", type=Path, help="keep every plan, log and dump here")
    parser.add_argument("--only", help="comma-separated case ids")
    parser.add_argument("--rows", type=int, default=5, help="rows seeded per touched table")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--report", type=Path, metavar="RESULTS_JSON",
                        help="print the table of an earlier run's results.json and exit")
    args = parser.parse_args()
    if args.report:
        results = json.loads(args.report.read_text())
        print(markdown(results, sum(r.get("seconds", 0) for r in results)))
        return 0

    if not (args.corpus / "MANIFEST.public.tsv").exists():
        print(f"run.py: no corpus at {args.corpus}; nothing to do", file=sys.stderr)
        return 0
    for tool in ("psql", "pg_dump"):
        if not shutil.which(tool):
            print(f"run.py: {tool} not found", file=sys.stderr)
            return 1
    if not os.access(args.pgshift, os.X_OK):
        print(f"run.py: no pgshift at {args.pgshift} (ci/build first)", file=sys.stderr)
        return 1
    args.pgshift = args.pgshift.resolve()
    cases = read_cases(args.cases)
    if args.only:
        wanted = set(args.only.split(","))
        cases = [c for c in cases if c["id"] in wanted]
    work = args.work or Path(tempfile.mkdtemp(prefix="plan-new-bench-"))
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    # Sandbox state and the journal stay in the work folder, away from the user's own.
    env = dict(os.environ, XDG_STATE_HOME=str(work / "state"))
    manifest = read_manifest(args.corpus)
    histories = {}
    results = []
    started = time.monotonic()
    for case in cases:
        project = case["file"].split("/")[0]
        if project not in histories:
            histories[project] = project_history(args.corpus, manifest, project)
        r = run_case(case, args, histories[project], env, work)
        results.append(r)
        print(f"{r['id']} {r['verdict']} ({r.get('seconds', 0)} s) {r.get('why', '')[:200]}",
              file=sys.stderr, flush=True)
        (work / "results.json").write_text(json.dumps(results, indent=2))
    total = time.monotonic() - started
    print(f"run.py: {len(results)} cases in {total:.0f} s; plans, logs and results.json in "
          f"{work}", file=sys.stderr)
    if args.markdown:
        print(markdown(results, total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
