from __future__ import annotations


class ActionRefused(Exception):
    """A refusal the person can understand and act on; ``message`` is already translated."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
