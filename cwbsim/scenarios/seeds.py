"""Seeds: one recipe for every run's random numbers.

A run's seed is ``numpy.random.SeedSequence(entropy, spawn_key)``. A single run
(``cwbsim run --seed 7``) has no spawn key and passes the plain integer to the
model; replication ``i`` of a batch (a comparison's seeds, a sweep's runs, a
calibration's seeds) is child ``i`` of ``SeedSequence(root)``. Outputs record
the entropy and spawn key, so any run can be repeated on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEED_MAX = 2**63 - 1
"""Largest seed accepted from a person (numpy takes any non-negative integer)."""


@dataclass(frozen=True)
class Seed:
    """A run's seed: ``SeedSequence(entropy, spawn_key)``; with no spawn key, the plain integer."""

    entropy: int
    spawn_key: tuple[int, ...] = ()

    def rng(self) -> int | np.random.Generator:
        """What the model's ``rng`` keyword receives.

        A plain integer stays an integer (so ``--seed 7`` reproduces ``LocalEconomy(rng=7)``);
        a child becomes a Generator on its SeedSequence.
        """
        if not self.spawn_key:
            return int(self.entropy)
        return np.random.default_rng(self.sequence())

    def sequence(self) -> np.random.SeedSequence:
        """The seed as a ``numpy.random.SeedSequence``."""
        return np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key)

    def record(self) -> int | dict:
        """How the seed is written in outputs: an int, or its entropy and spawn key."""
        if not self.spawn_key:
            return int(self.entropy)
        return {"entropy": int(self.entropy), "spawn_key": list(self.spawn_key)}


def as_seed(value: int | Seed | np.random.SeedSequence) -> Seed:
    """A seed from an integer, a :class:`Seed` or a ``SeedSequence``."""
    if isinstance(value, Seed):
        return value
    if isinstance(value, np.random.SeedSequence):
        return Seed(int(value.entropy), tuple(int(k) for k in value.spawn_key))
    return Seed(int(value))


def replicate(root: int, index: int) -> Seed:
    """Seed of replication ``index``: child ``index`` of ``SeedSequence(root)``.

    The same as ``SeedSequence(root).spawn(n)[index]``, made without spawning
    (spawning counts children on a shared object).
    """
    return Seed(int(root), (int(index),))


def replicates(root: int, count: int) -> list[Seed]:
    """Seeds of replications ``0 .. count - 1`` of ``root``."""
    return [replicate(root, i) for i in range(count)]
