"""The registry of workflow steps (consortia/workflow/steps.py): a name is one function's, a function may register
again (a module imported twice), and the door runs what was registered."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from consortia.workflow import steps


@pytest.fixture(autouse=True)
def own_registry(monkeypatch):
    monkeypatch.setattr(steps, "_STEPS", {})


def test_a_registered_step_is_run_and_its_result_kept():
    def count_members(action):
        return 3

    assert steps.step("count_members")(count_members) is count_members
    action = steps.Action(subject=None, transition=None, actor=None, role="", reason="", inputs={}, files=None)
    steps.run(("count_members",), action)
    assert action.results == {"count_members": 3}


def test_the_same_function_may_register_its_name_again():
    def snapshot(action):
        return None

    steps.step("snapshot")(snapshot)
    steps.step("snapshot")(snapshot)
    registered = steps._STEPS
    assert registered == {"snapshot": snapshot}


def test_a_second_function_under_a_registered_name_is_refused_by_name():
    steps.step("snapshot")(lambda action: None)
    with pytest.raises(ImproperlyConfigured) as refused:
        steps.step("snapshot")(lambda action: None)
    assert str(refused.value) == "Two functions register the workflow step 'snapshot'."
