import json

import numpy as np
import pytest

import instrumentarium as ins
from instrumentarium import plugins
from instrumentarium.model import (
    Axis,
    Measurement,
    ProcessingError,
    RecipeError,
    UnknownStepError,
    UnknownTechniqueError,
)
from instrumentarium.pipeline import Recipe, StepOutput, process, step


@step("tests.scale", technique="xrd")
def scale(m: Measurement, *, factor: float = 2.0, offset: float = 0.0) -> Measurement:
    return m.replace(signal=m.signal * factor + offset)


@step("tests.auto_offset")
def auto_offset(m: Measurement) -> StepOutput:
    shift = float(np.min(m.signal))
    return StepOutput(m.replace(signal=m.signal - shift), {"offset": shift, "confidence": 0.4},
                      warnings=["low confidence in the offset"])


def _pattern(technique="xrd"):
    return Measurement(technique, np.arange(1.0, 6.0), (Axis.linear("two_theta", "deg", start=10, step=1, n=5),))


def test_step_records_every_parameter_including_defaults():
    m = _pattern()
    out = scale(m, factor=3.0)
    assert np.array_equal(out.signal, m.signal * 3)
    (entry,) = out.provenance
    assert entry.step == "tests.scale"
    assert entry.parameters == {"factor": 3.0, "offset": 0.0}
    assert entry.software.startswith("instrumentarium ")
    assert m.provenance == (), "the input must not change"


def test_step_records_decisions_and_warnings():
    out = auto_offset(_pattern())
    assert out.provenance[0].decisions == {"offset": 1.0, "confidence": 0.4}
    assert out.warnings == ("tests.auto_offset: low confidence in the offset",)


def test_step_checks_technique_and_arguments():
    with pytest.raises(ProcessingError, match="for xrd data"):
        scale(_pattern("nmr"))
    with pytest.raises(ProcessingError, match="unexpected keyword"):
        scale(_pattern(), factr=2)
    with pytest.raises(TypeError, match="keyword-only"):

        @step("tests.bad")
        def bad(m, factor):
            return m


def test_recipe_json_round_trip_and_replay():
    m = _pattern()
    done = auto_offset(scale(m, factor=2.0, offset=1.0))
    recipe = Recipe.from_provenance(done)
    assert [s.step for s in recipe.steps] == ["tests.scale", "tests.auto_offset"]
    again = Recipe.from_json(recipe.to_json())
    assert again == recipe
    replay = again.run(m)
    assert np.array_equal(replay.signal, done.signal)
    assert [p.parameters for p in replay.provenance] == [p.parameters for p in done.provenance]
    assert recipe.fingerprint == again.fingerprint
    assert Recipe.of(("tests.scale", {"factor": 5.0})).fingerprint != recipe.fingerprint


def test_recipe_from_file(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"steps": [{"step": "tests.scale", "parameters": {"factor": 10}}]}))
    out = process(_pattern(), path)
    assert out.signal[0] == 10.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ('{"steps": 3}', "'steps' list"),
        ('{"steps": [{"parameters": {}}]}', "steps\\[0\\]"),
        ('{"steps": [], "colour": 1}', "unknown recipe keys"),
        ('{"format": "other/9", "steps": []}', "unsupported recipe format"),
    ],
)
def test_malformed_recipes_are_rejected_clearly(text, message):
    with pytest.raises(RecipeError, match=message):
        Recipe.from_json(text)


def test_unknown_step_and_technique():
    with pytest.raises(UnknownStepError, match=r"no processing step named 'tests\.nope'"):
        Recipe.of("tests.nope").run(_pattern())
    with pytest.raises(UnknownTechniqueError, match="no technique plugin for 'epr'"):
        process(_pattern("epr"))
    with pytest.raises(RecipeError, match="unknown recipe"):
        process(_pattern(), "no-such-recipe-file.json")


class _Technique:
    name = "tests-tech"
    label = "Test technique"

    def auto_recipe(self, m):
        return Recipe.of(("tests.auto_offset", {}), name="auto")

    def vendor_recipe(self, m):
        return Recipe.of(("tests.scale", {"factor": 4.0}), name="vendor")

    def analyze(self, m, **options):
        return {"max": float(m.signal.max()), **options}

    def summary(self, m):
        return {"points": m.signal.size}


def test_process_and_analyze_dispatch_to_the_technique():
    plugins.register("techniques", "tests-tech", _Technique())
    try:
        m = _pattern("tests-tech")
        assert ins.process(m).provenance[0].step == "tests.auto_offset"
        with pytest.raises(ProcessingError):  # tests.scale is for xrd only
            ins.process(m, "vendor")
        assert ins.analyze(m, flag=True) == {"max": 5.0, "flag": True}
    finally:
        plugins.unregister("techniques", "tests-tech")
