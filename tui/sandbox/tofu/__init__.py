"""The sandbox's `tofu` stand-in: a small model of OpenTofu 1.10.7, not a playback.

Run it as `python -m tui.sandbox.tofu ARGS` (the sandbox's `bin/tofu` does).
It reads every `*.tf` file of the working directory with python-hcl2 (a file
renamed `*.tf.2603` is not read), plans against the state, writes a plan file
(a zip holding the prior state's lineage/serial, a config snapshot and the
JSON plan), applies it (serial + 1), and keeps state locally or in S3 (boto3,
path-style, `AWS_ENDPOINT_URL`), with the real texts and exit codes. Against a
loopback `AWS_ENDPOINT_URL` (moto's server) `apply` also deletes and creates the
ElastiCache clusters and replication groups it plans to, as the provider would
(`cloud.py`); every other type lives in the state only.

Modelled: `version [-json]`; `init [-upgrade] [-input=false] [-migrate-state]
[-force-copy] [-reconfigure] [-no-color]`; `plan [-out F] [-detailed-exitcode]
[-no-color] [-input=false] [-lock=false] [-lock-timeout=D] [-var-file=F]
[-refresh=false]` (it never refreshes); `show -json F` / `show -json -plan=F`;
`apply F`; `state pull`; `state push [-force] [-no-color] F` (refusals, texts and the
remote serial + 1 as Terraform 1.11 shows them on the same S3 endpoint);
`force-unlock -force ID`; `output [-json] [-raw] [NAME]`.
Anything else prints `Error: the mocm-upgrade sandbox's tofu stand-in does not
model "<args>"` on stderr and exits 1. `apply` without a plan file is not modelled.

The model: literal values, `var.*` (tfvars, TF_VAR_*, defaults), `local.*`,
`each.*`, `count.index`, references to other resources (their planned values;
unknown while they are being created) and a few functions are evaluated;
anything else is "known after apply". Replacement is forced by terraform_data's
`triggers_replace` and by the attributes in `replacement.FORCE_NEW` (e.g.
`aws_elasticache_cluster.engine`, `aws_s3_bucket.bucket`) and `replacement.FORCE_NEW_IF`
(an ElastiCache engine_version downgrade; any engine change of a replication group but
redis -> valkey); values the provider schema marks sensitive (`sensitive.SCHEMA_SENSITIVE`)
carry `*_sensitive` marks in plans and `sensitive_attributes` in the state; `lifecycle`
`create_before_destroy`, `prevent_destroy`, `ignore_changes`,
`replace_triggered_by` are honoured. Module bodies are not evaluated: their
state instances stay as they are while the `module` block exists.
Lock: the local backend's lock is the file `.terraform.tfstate.lock.info`
(its presence means "held"; its JSON is the holder's lock info).

Knobs for tests (environment):
- `MOCM_STANDIN_HOLD_LOCK=1`: after taking the state lock, print one line on
  stderr and hold the lock until stdin is closed.
- `MOCM_STANDIN_TOFU_HANG=<subcommand>` (e.g. `plan`, `apply`, `state push`):
  that subcommand prints one line on stderr and waits; SIGINT/SIGTERM prints
  `Interrupt received.` … on stdout and exits 1.
- `MOCM_TOFU_PARSE_CACHE=<folder>`: where python-hcl2's parses are kept between runs
  (`parsecache.py`; by default `<world>/.tofu-parse-cache` when `MOCM_SANDBOX_WORLD` is set).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["state_from_config"]


def state_from_config(
    config_dir: Path, tfvars: Path | None, lineage: str, serial: int
) -> dict[str, Any]:
    """A v4 state consistent with the `.tf` files of `config_dir`, as if they were applied.

    Planning the same directory against this state gives only no-ops.
    """
    from tui.sandbox.tofu.apply import apply_plan
    from tui.sandbox.tofu.config import load_config, read_tfvars
    from tui.sandbox.tofu.operations import make_plan
    from tui.sandbox.tofu.plan import resolve_variables
    from tui.sandbox.tofu.state import normalise

    config = load_config(config_dir)
    raw = read_tfvars(config_dir, tfvars) if tfvars else read_tfvars(config_dir)
    variables = resolve_variables(config, raw)
    plan = make_plan(config, variables, None)
    state, _ = apply_plan(plan, variables)
    state["lineage"], state["serial"] = lineage, serial
    return normalise(state)
