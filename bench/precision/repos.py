"""Puts each project of projects.tsv at its pinned commit under REPOS (a work tree per project).

    repos.py REPOS

A missing work tree is cloned from a local copy of the repository: $PGSHIFT_EVAL_MIRRORS/<owner>+<name>/repo
(default /work/.mirror), or any clone of it placed at REPOS/<name> by hand. The pinned commit is
checked out detached; files the copy lacks (very large blobs) are left out, which the migration
folders never need. Exits 1 naming the project when a folder is missing.
"""

import os
import subprocess
import sys

from findings import load_projects


def git(*args, check=True):
    return subprocess.run(["git", *args], check=check, capture_output=True, text=True)


def ensure(project, repos, mirrors):
    tree = os.path.join(repos, project["name"])
    fresh = False
    if not os.path.isdir(os.path.join(tree, ".git")):
        source = os.path.join(mirrors, project["repo"].replace("/", "+"), "repo")
        if not os.path.isdir(source):
            sys.exit(f"bench/precision: no clone of {project['repo']} at {tree} nor at {source};"
                     f" clone it there and rerun")
        print(f"bench/precision: cloning {project['repo']} into {tree}", file=sys.stderr)
        git("clone", "--quiet", "--no-checkout", source, tree)
        fresh = True  # HEAD may already be the pinned commit, with an empty work tree
    head = git("-C", tree, "rev-parse", "HEAD", check=False).stdout.strip()
    if fresh or head != project["commit"]:
        if git("-C", tree, "cat-file", "-e", project["commit"] + "^{commit}", check=False).returncode:
            sys.exit(f"bench/precision: {tree} lacks commit {project['commit']} of {project['repo']}")
        # A snapshot without its largest blobs makes checkout complain; the SQL is all there.
        git("-C", tree, "checkout", "--quiet", "--detach", "--force", project["commit"], check=False)
    if git("-C", tree, "rev-parse", "HEAD").stdout.strip() != project["commit"]:
        sys.exit(f"bench/precision: could not check out {project['commit']} in {tree}")
    for folder in project["folders"]:
        if not os.path.isdir(os.path.join(tree, folder)):
            sys.exit(f"bench/precision: {project['name']}: no folder {folder} at {project['commit']}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    repos = sys.argv[1]
    mirrors = os.environ.get("PGSHIFT_EVAL_MIRRORS", "/work/.mirror")
    os.makedirs(repos, exist_ok=True)
    for project in load_projects():
        ensure(project, repos, mirrors)


if __name__ == "__main__":
    main()
