#!/usr/bin/python3
"""Runs the `run:` steps of the composite action action.yml in order, as the GitHub runner would:
each with bash, its `env:`, the runner's files (GITHUB_PATH, GITHUB_OUTPUT) and the
`${{ inputs.* }}`, `${{ runner.temp }}` and `${{ steps.*.outputs.* }}` expressions it uses.
`uses:` steps are listed, not run (no GitHub here). Exits with the status of the first failing
step, else 0.
Usage: run_action.py ACTION_DIR RUNNER_TEMP NAME=VALUE...  (the action's inputs)"""
import os
import re
import subprocess
import sys

import yaml

action_dir, temp = sys.argv[1], sys.argv[2]
with open(os.path.join(action_dir, "action.yml")) as f:
    action = yaml.safe_load(f)
inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
for arg in sys.argv[3:]:
    name, value = arg.split("=", 1)
    if name not in inputs:
        sys.exit(f"run_action.py: action.yml has no input {name}")
    inputs[name] = value
missing = [n for n, s in action["inputs"].items() if s.get("required") and not inputs[n]]
if missing:
    sys.exit(f"run_action.py: required inputs missing: {missing}")

outputs = {}  # step id -> {name: value}
path_file, output_file = os.path.join(temp, "github_path"), os.path.join(temp, "github_output")
extra_path = []


def expand(text):
    def value(match):
        expr = match.group(1).strip()
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        if expr == "runner.temp":
            return temp
        step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if step:
            return outputs.get(step.group(1), {}).get(step.group(2), "")
        if expr == "inputs.upload-sarif == 'true'":
            return str(inputs["upload-sarif"] == "true")
        sys.exit(f"run_action.py: cannot evaluate ${{{{ {expr} }}}}")
    return re.sub(r"\$\{\{(.*?)\}\}", value, str(text))


for step in action["runs"]["steps"]:
    name = step.get("name", step.get("id", "?"))
    if "uses" in step:
        print(f"run_action.py: not run here: {name} (uses {step['uses']})")
        continue
    open(output_file, "w").close()
    env = dict(os.environ, GITHUB_ACTION_PATH=action_dir, RUNNER_TEMP=temp,
               GITHUB_PATH=path_file, GITHUB_OUTPUT=output_file)
    env["PATH"] = os.pathsep.join(extra_path + [env["PATH"]])
    env.update({k: expand(v) for k, v in step.get("env", {}).items()})
    status = subprocess.run(["bash", "-e", "-c", expand(step["run"])], env=env).returncode
    if "id" in step:
        with open(output_file) as f:
            outputs[step["id"]] = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    if os.path.exists(path_file):
        with open(path_file) as f:
            extra_path = [line.strip() for line in f if line.strip()][::-1]
    if status != 0:
        print(f"run_action.py: step \"{name}\" exited {status}")
        sys.exit(status)
sys.exit(0)
