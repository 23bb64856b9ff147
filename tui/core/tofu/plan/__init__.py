"""The plan pipeline: parse, model, review against the playbook, the reviewed plan, the gate."""
