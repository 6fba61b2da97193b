"""``uchast tally``: count a Pabulib file, or recount its official result.

Exit codes: 0 done (``--check``: the recount agrees), 1 ``--check`` disagrees with ``selected``,
2 error (unreadable or malformed file, unknown rule, over-budget election, bad arguments).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from typing import TextIO

from .count import COMPLETIONS, RULES, UnknownRuleError, check_official, count
from .model import Election, ElectionError
from .options import STARTS, STOPS, UTILITIES
from .outcome import Outcome, TieBreaking
from .pabulib import read_pabulib


def _parser() -> argparse.ArgumentParser:
    # While the arguments are added, argparse builds a formatter for each (to check its metavar); the
    # default one asks shutil for the terminal's width, and importing shutil (with bz2, lzma, zlib)
    # would cost every count a couple of milliseconds. A fixed width serves that check; help and
    # error messages use the default formatter, set back below.
    parser = argparse.ArgumentParser(
        prog="uchast tally",
        description="Count a participatory-budget vote from a Pabulib .pb file, with an explanation per project.",
        formatter_class=functools.partial(argparse.HelpFormatter, width=80),
    )
    parser.add_argument("file", help="Pabulib .pb file")
    parser.add_argument("--check", action="store_true", help="recount under META rule and compare with 'selected'")
    parser.add_argument("--rule", default="greedy", help=f"one of {', '.join(RULES)} (default greedy)")
    parser.add_argument("--completion", default="none", help=f"for mes: {', '.join(COMPLETIONS)}")
    parser.add_argument("--utility", default=None, help=f"for mes: {', '.join(UTILITIES)}")
    parser.add_argument("--ranking", default=None, help="for greedy: votes or points")
    parser.add_argument("--threshold", type=int, default=None, help="for greedy: least value to be funded")
    parser.add_argument("--start", default="exact", choices=STARTS, help="add1: start at B/n (exact) or whole units")
    parser.add_argument("--stop", default="exhaustive", choices=STOPS, help="add1: stop rule")
    parser.add_argument("--step", type=int, default=None, help="add1: increment per voter, in money units")
    parser.add_argument("--comparison", action="store_true", help="mes: add the comparison step")
    parser.add_argument("--ties", default="min-cost,max-votes,lot", help="tie-breaking criteria, comma-separated")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.formatter_class = argparse.HelpFormatter
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command; returns the exit code (see the module docstring)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2
    try:
        ties = TieBreaking.parse(args.ties)
        election = read_pabulib(args.file)
        if args.check:
            result = check_official(election, ties)
            if args.json:
                payload = {
                    "meta_rule": result.meta_rule,
                    "agrees": result.agrees,
                    "official": sorted(result.official),
                    "missing": list(result.missing),
                    "extra": list(result.extra),
                    "outcome": result.outcome.to_dict(),
                }
                out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
            else:
                verdict = "AGREES with" if result.agrees else "DIFFERS from"
                out.write(f"Recount under META rule {result.meta_rule!r} {verdict} the official 'selected'.\n")
                if result.missing:
                    out.write(f"  officially selected, not by the recount: {', '.join(result.missing)}\n")
                if result.extra:
                    out.write(f"  selected by the recount, not officially: {', '.join(result.extra)}\n")
                _print_outcome(election, result.outcome, out)
            return 0 if result.agrees else 1
        outcome = count(
            election,
            args.rule,
            completion=args.completion,
            utility=args.utility,
            ranking=args.ranking,
            threshold=args.threshold,
            start=args.start,
            stop=args.stop,
            step=args.step,
            comparison=args.comparison,
            ties=ties,
        )
    except (ElectionError, ValueError) as error:
        kind = "unknown rule" if isinstance(error, UnknownRuleError) else "error"
        err.write(f"uchast tally: {kind}: {error}\n")
        return 2
    except OSError as error:
        err.write(f"uchast tally: cannot read {args.file}: {error.strerror or error}\n")
        return 2
    if args.json:
        out.write(outcome.to_json() + "\n")
    else:
        _print_outcome(election, outcome, out)
    return 0


def _print_outcome(election: Election, outcome: Outcome, out: TextIO) -> None:
    money = election.format_money
    out.write(f"Rule: {outcome.rule}  ({', '.join(f'{k}={v}' for k, v in outcome.parameters.items())})\n")
    out.write(f"Winners: {len(outcome.selected)}; spent {money(outcome.spent)} of {money(outcome.budget)}\n")
    for pid in outcome.selected:
        out.write(f"  + {pid}\n")
    out.write("Explanations:\n")
    for result in outcome.projects:
        mark = "+" if result.selected else "-"
        label = f"{result.project_id} {result.name}".strip()
        out.write(f"  {mark} {label[:60]}: cost {money(result.cost)}, votes {result.votes}, points {result.score}; ")
        out.write(result.reason + "\n")
    for note in outcome.notes:
        out.write(f"Note: {note}\n")
