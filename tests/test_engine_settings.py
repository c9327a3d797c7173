"""Engine settings without an engine: loop stopping (the toolkit's `loop_end`, used by the transformers backend,
ends a reply at the same token as vLLM's own repetition detection, so both backends record the same reply) and the
validation of sampling and engine fields."""
import random

import pytest

from probe.backends.base import LOOP_PATTERN_TOKENS, loop_end
from probe.config import config_from_dict
from probe.errors import ProbeError


def _vllm_end(tokens, min_count):
    from vllm.sampling_params import RepetitionDetectionParams
    from vllm.v1.core.sched.utils import check_sequence_repetition

    lo, hi = LOOP_PATTERN_TOKENS
    params = RepetitionDetectionParams(max_pattern_size=hi, min_pattern_size=lo, min_count=min_count)
    for end in range(1, len(tokens) + 1):  # the scheduler checks after every generated token
        if check_sequence_repetition(tokens[:end], params):
            return end
    return None


def test_loop_end_matches_vllms_repetition_detection_token_for_token():
    pytest.importorskip("vllm")
    rng = random.Random(0)
    for _ in range(300):
        head = [rng.randrange(50) for _ in range(rng.randrange(0, 30))]
        phrase = [rng.randrange(50) for _ in range(rng.randrange(1, 40))]
        tokens = head + phrase * rng.randrange(1, 6) + [rng.randrange(50) for _ in range(rng.randrange(0, 10))]
        for k in (2, 3, 4):
            assert loop_end(tokens, k) == _vllm_end(tokens, k), (tokens, k)


def test_loop_end_on_known_sequences():
    im_not = [40, 5, 62, 13]  # "I'm not." as four tokens
    assert loop_end([7, 8] + im_not * 5, 4) == 2 + 16  # ends where the fourth "I'm not." is complete
    assert loop_end([7, 8] + im_not * 3, 4) is None
    assert loop_end([1] * 11, 4) is None  # one token repeated (a digit of "1000…") is shorter than 3 tokens
    assert loop_end(list(range(100)), 4) is None
    assert loop_end(im_not * 5, 0) is None  # off


def test_stop_loops_is_validated():
    with pytest.raises(ProbeError, match="sampling.stop_loops"):
        config_from_dict({"model": "x", "sampling": {"stop_loops": 1}})
    assert config_from_dict({"model": "x", "sampling": {"stop_loops": 0}}).protocol.sampling.stop_loops == 0


def test_engine_spec_score_method_is_validated_and_auto_by_default():
    from probe.backends import EngineSpec

    assert EngineSpec().score_method == "auto"
    with pytest.raises(ProbeError, match="score_method"):
        EngineSpec(score_method="fast")
