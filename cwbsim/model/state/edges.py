"""Standing relationships of one payment channel, as three parallel arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Edges:
    """Standing relationships of one channel: payer pays ``share`` of its outflow to payee."""

    payer: np.ndarray
    payee: np.ndarray
    share: np.ndarray

    @classmethod
    def empty(cls) -> Edges:
        """No relationships."""
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))

    @classmethod
    def concat(cls, parts: list[Edges]) -> Edges:
        """Join several edge sets of the same channel."""
        parts = [p for p in parts if len(p.payer)] or [cls.empty()]
        return cls(
            np.concatenate([p.payer for p in parts]).astype(np.int64),
            np.concatenate([p.payee for p in parts]).astype(np.int64),
            np.concatenate([p.share for p in parts]).astype(np.float64),
        )

    def __len__(self) -> int:
        return len(self.payer)
