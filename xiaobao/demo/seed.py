"""The whole demo data set, stage by stage, each through the real services and each written once.

Every stage checks for its own data first, so a second run costs a few queries, and a run that was
stopped half-way picks up at the first stage it had not finished.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from io import TextIOBase
from typing import Any

from django.test.utils import override_settings

from xiaobao.core.notify import SMS, channels_held
from xiaobao.demo.accounts import demo_second_factor_seed
from xiaobao.demo.classifier import classifier_seed
from xiaobao.demo.complaints import DEFAULT_COMPLAINTS, complaints_seed
from xiaobao.demo.credit import credit_seed
from xiaobao.demo.disclosure import disclosure_seed
from xiaobao.demo.disputes import disputes_seed
from xiaobao.demo.generator import DEFAULT_SEED
from xiaobao.demo.penalties import penalties_seed
from xiaobao.demo.products import products_seed
from xiaobao.demo.publications import publications_seed
from xiaobao.demo.ratings import ratings_seed
from xiaobao.demo.riskwarnings import riskwarnings_seed
from xiaobao.demo.sms import sms_seed
from xiaobao.demo.tipoffs import tipoffs_seed
from xiaobao.demo.warning import warning_seed


@dataclass
class Stage:
    name: str
    seconds: float
    cpu_seconds: float  # of this process: apart from what the public build's workers spend
    said: str | None  # what it wrote, or None when its data was there already


@dataclass
class DemoSeed:
    complaints: dict[str, Any] | None  # the complaint counts, None when the complaints were there already
    stages: list[Stage] = field(default_factory=list)

    @property
    def wrote_anything(self) -> bool:
        return self.complaints is not None or any(stage.said is not None for stage in self.stages)


def demo_seed(
    *,
    complaints: int = DEFAULT_COMPLAINTS,
    seed: int = DEFAULT_SEED,
    force: bool = False,
    leave_draft: bool = True,
    out: TextIOBase | None = None,
    on_stage: Callable[[Stage], None] | None = None,
) -> DemoSeed:
    """Seed whatever part of the demo data set is missing (all of it on an empty database).

    `force` replaces the demo complaints; the other stages keep what they wrote before.
    """
    # `make run` sets DEBUG=1, and with it Django logs every query: hundreds of thousands of them here,
    # for nobody to read.
    # Years of replayed cases would text every guest's number thousands of times: texts wait for the last stage.
    with override_settings(DEBUG=False), channels_held(SMS):
        started, cpu = time.monotonic(), time.process_time()
        counts = complaints_seed(complaints=complaints, seed=seed, force=force, out=out)
        result = DemoSeed(complaints=counts)
        said = f"complaints: {counts['filed']} filed" if counts is not None else None
        stages: tuple[tuple[str, Callable[[], str | None]], ...] = (
            ("second factor", demo_second_factor_seed),
            ("tip-offs", tipoffs_seed),
            ("penalties", penalties_seed),
            ("products", products_seed),
            ("disputes", disputes_seed),
            ("ratings", ratings_seed),
            # After the ratings: the demo's published grades were given before these entries were made.
            ("credit lists", credit_seed),
            ("early warning", lambda: warning_seed(out=out)),
            ("risk warnings", riskwarnings_seed),
            ("classifier", classifier_seed),
            ("public database", disclosure_seed),
            ("reports", lambda: publications_seed(leave_draft=leave_draft)),
            ("texts", sms_seed),
        )
        for name, run in (("complaints", lambda: said), *stages):
            said_now = run()
            stage = Stage(name, time.monotonic() - started, time.process_time() - cpu, said_now)
            result.stages.append(stage)
            if on_stage is not None:
                on_stage(stage)
            started, cpu = time.monotonic(), time.process_time()
    return result
