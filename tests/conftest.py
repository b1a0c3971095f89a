"""Shared test configuration: Hypothesis profiles and the timing unit."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

#: One unit of test time, in seconds. Waits in tests are multiples of it; slow machines raise
#: LIVETRANSLATE_TEST_TIMEOUT_FACTOR. Tests wait on events, never on bare sleeps.
MS = 0.001 * float(os.environ.get("LIVETRANSLATE_TEST_TIMEOUT_FACTOR", "1"))
