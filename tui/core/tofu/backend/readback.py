"""After B.1: is the S3 object the local state? Lineage and serial, and the content itself.

OpenTofu's ``statemgr.Migrate`` keeps lineage and serial (formats §2.3), so they
prove the copy. Real Terraform 1.11 gives the S3 copy a new lineage and serial 1;
then lineage and serial prove nothing, and what is compared instead is the
content: resources and outputs as canonical JSON (``StateFile.content_sha256``).
The content must match in every case; the sentence says which facts were compared.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.tofu.statefile import StateFile


@dataclass(frozen=True)
class MigratedStateCheck:
    """The local state and the S3 object read back after the migration, side by side."""

    local: StateFile
    remote: StateFile
    where: str  # s3://bucket/key

    @property
    def same_lineage(self) -> bool:
        """The S3 copy continues the local state's history."""
        return self.remote.lineage == self.local.lineage

    @property
    def same_serial(self) -> bool:
        """The S3 copy has the local state's serial."""
        return self.remote.serial == self.local.serial

    @property
    def same_content(self) -> bool:
        """Resources and outputs are identical (whitespace and key order aside)."""
        return self.remote.content_sha256 == self.local.content_sha256

    @property
    def verified(self) -> bool:
        """The local file may be renamed: the S3 object holds exactly what it holds."""
        return self.same_content

    @property
    def basis(self) -> str:
        """What the verdict rests on, in a few words (for the journal)."""
        if self.same_lineage and self.same_serial:
            return "lineage, serial and content compared"
        if self.same_lineage:
            return f"content compared (lineage kept, serial {self.remote.serial} in S3)"
        return f"content compared (the tool gave S3 a new lineage {self.remote.lineage})"

    def sentence(self) -> str:
        """What was compared and what was found, in the operator's words."""
        if not self.same_content:
            return (
                f"{self.where} (lineage {self.remote.lineage}, serial {self.remote.serial}, "
                f"{_resources(self.remote)}) does not hold what the local state holds "
                f"(lineage {self.local.lineage}, serial {self.local.serial}, "
                f"{_resources(self.local)})."
            )
        content = f"the same {_resources(self.local)} and outputs as the local state"
        if self.same_lineage and self.same_serial:
            return (
                f"Verified: {self.where} has the local state's lineage {self.local.lineage} "
                f"and serial {self.local.serial}, and {content}."
            )
        if self.same_lineage:
            return (
                f"Verified by content: {self.where} holds {content}; it has the same lineage "
                f"{self.local.lineage}, but serial {self.remote.serial} where the local state "
                f"had {self.local.serial}."
            )
        return (
            f"Lineage and serial could not be compared: the tool gave the S3 copy a new "
            f"lineage {self.remote.lineage} and serial {self.remote.serial} (the local state "
            f"has lineage {self.local.lineage}, serial {self.local.serial}). Compared instead: "
            f"resources and outputs. Verified by content: {self.where} holds {content}."
        )


def _resources(state: StateFile) -> str:
    instances = sum(len(resource.instances) for resource in state.resources)
    return f"{_count(len(state.resources), 'resource')} ({_count(instances, 'instance')})"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
