"""Shared helpers for the tally tests (imported by path: tests run with --import-mode=importlib)."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

from uchast.tally import Election

CORPUS = Path(os.environ.get("UCHAST_PABULIB_DIR", "/work/shared/pabulib"))


def corpus_files(max_bytes: int | None = None) -> list[Path]:
    files = sorted(CORPUS.glob("*.pb"), key=lambda p: (p.stat().st_size, p.name))
    return [f for f in files if max_bytes is None or f.stat().st_size <= max_bytes]


def to_pabutools(election: Election):  # type: ignore[no-untyped-def]
    """The same election as a pabutools instance and approval profile (ballots expanded)."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Instance
    from pabutools.election import Project as PabuProject

    projects = {p.id: PabuProject(p.id, Fraction(p.cost)) for p in election.projects}
    instance = Instance(projects.values(), budget_limit=Fraction(election.budget))
    ballots = []
    for ballot in election.ballots:
        for _ in range(ballot.count):
            ballots.append(ApprovalBallot([projects[pid] for pid in ballot.projects]))
    return instance, ApprovalProfile(ballots, instance=instance)
