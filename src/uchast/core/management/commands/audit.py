from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser

from uchast.core import checkpoints
from uchast.core.audit import ChainReport, verify_chain, verify_records

HELP = """Audit log tools.

  uchast audit verify                      recompute this database's chain (and its latest checkpoint)
  uchast audit verify --against URL|FILE   recompute a published copy (JSON Lines, e.g. /audit/log.jsonl)
      [--checkpoint FILE ...]              and check checkpoints you kept against it
      [--public-key BASE64]                (signed by this key, not only by the key they name)
  uchast audit keygen                      a new signing key pair for AUDIT_SIGNING_KEY
"""


def _records(source: str) -> Iterator[dict[str, Any]]:
    """Records from a URL or a file, one JSON object per line; a bad line raises CommandError."""
    if source.startswith(("http://", "https://")):
        response = requests.get(source, stream=True, timeout=30)
        if response.status_code != 200:
            raise CommandError(f"{source}: HTTP {response.status_code}")
        lines: Iterator[str] = (line.decode("utf-8") for line in response.iter_lines() if line)
    else:
        try:
            lines = iter(Path(source).read_text(encoding="utf-8").splitlines())
        except OSError as error:
            raise CommandError(f"cannot read {source}: {error.strerror or error}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise CommandError(f"{source}: line {number} is not JSON") from None
        if not isinstance(record, dict):
            raise CommandError(f"{source}: line {number} is not an entry")
        yield record


class _Recorder:
    """Passes records through while remembering the hash at each sequence a checkpoint names."""

    def __init__(self, wanted: set[int]) -> None:
        self.wanted = wanted
        self.seen: dict[int, str] = {}

    def __call__(self, records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for record in records:
            if record.get("sequence") in self.wanted:
                self.seen[int(record["sequence"])] = str(record.get("entry_hash"))
            yield record


def _load_checkpoint(path: str) -> checkpoints.Checkpoint:
    try:
        return checkpoints.Checkpoint.from_record(json.loads(Path(path).read_text(encoding="utf-8")))
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
    except (ValueError, KeyError, TypeError):
        raise CommandError(f"{path} is not an audit checkpoint") from None


class Command(BaseCommand):
    help = HELP
    # Checking the log reads the log and nothing else: it must not wait for (about 2 s at start) or
    # depend on the system checks of the whole configuration; `uchast check` is there for those.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "keygen"])
        parser.add_argument("--against", help="URL or file of a published copy (JSON Lines)")
        parser.add_argument("--checkpoint", action="append", default=[], help="a checkpoint file you kept")
        parser.add_argument("--public-key", default=None, help="the council's published key (base64)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "keygen":
            secret, public = checkpoints.new_key_pair()
            self.stdout.write(f"AUDIT_SIGNING_KEY={secret}\n# public key, to publish: {public}")
            return
        if options["against"]:
            self._verify_copy(options["against"], options["checkpoint"], options["public_key"])
            return
        self._report(verify_chain(), "Audit chain")

    def _verify_copy(self, source: str, checkpoint_paths: list[str], public_key: str | None) -> None:
        kept = [_load_checkpoint(path) for path in checkpoint_paths]
        for checkpoint in kept:
            if not checkpoints.signature_valid(checkpoint, public_key):
                raise CommandError(f"checkpoint #{checkpoint.sequence}: the signature is not valid")
        recorder = _Recorder({c.sequence for c in kept})
        report = verify_records(recorder(_records(source)))
        self._report(report, f"Copy {source}")
        for checkpoint in kept:
            found = recorder.seen.get(checkpoint.sequence)
            if found is None:
                raise CommandError(
                    f"checkpoint #{checkpoint.sequence}: the copy has no such entry (history was cut back)"
                )
            if found != checkpoint.entry_hash:
                raise CommandError(
                    f"checkpoint #{checkpoint.sequence}: the copy's entry differs (history was rewritten)"
                )
            self.stdout.write(f"Checkpoint #{checkpoint.sequence} of {checkpoint.signed_at:%Y-%m-%d}: matches.")

    def _report(self, report: ChainReport, what: str) -> None:
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"{what} intact: {report.entries_checked} entries verified."))
            return
        raise CommandError(
            f"{what} broken at entry #{report.first_broken_sequence}: {report.reason} "
            f"({report.entries_checked} entries before it verified)."
        )
