import pytest

from portal.forms import OrganisationForm
from portal.models import Authority, Organisation
from portal.uscc import check_character, is_valid_uscc, normalise_uscc, uscc_problem

# Codes as published by their organisations (GB 32100), and one of them with its check character changed.
PUBLISHED_VALID = ["914403001922038216", "91320214745555318W"]
PUBLISHED_INVALID = "914403001922038217"


@pytest.mark.parametrize("code", PUBLISHED_VALID)
def test_published_codes_pass(code):
    assert is_valid_uscc(code)


def test_altered_check_character_fails():
    assert not is_valid_uscc(PUBLISHED_INVALID)
    assert "第 18 位应为“6”" in str(uscc_problem(PUBLISHED_INVALID))


def test_lower_case_and_spaces_are_normalised_before_checking():
    assert normalise_uscc(" 9132 0214 7455 5531 8w ") == "91320214745555318W"
    assert is_valid_uscc(" 9132 0214 7455 5531 8w ")


@pytest.mark.parametrize(
    "code, fragment",
    [
        ("91440300192203821", "应为 18 位，当前为 17 位"),
        ("9144030019220382166", "当前为 19 位"),
        ("91440300192203821I", "第 18 位字符“I”"),
        ("9144O3001922038216", "第 5 位字符“O”"),
        ("91A403001922038216", "第 3 至 8 位"),
        (PUBLISHED_INVALID, "校验位不正确"),
    ],
)
def test_each_fault_is_named(code, fragment):
    assert not is_valid_uscc(code)
    assert fragment in uscc_problem(code)


def test_check_character_reproduces_published_codes():
    for code in PUBLISHED_VALID:
        assert check_character(code[:17]) == code[17]


def _organisation_data(**overrides):
    data = {
        "name": "南京测试科技有限公司",
        "uscc": "91320214745555318W",
        "kind": Organisation.Kind.ENTERPRISE,
        "jurisdiction": Authority.objects.get(code="320115").pk,
    }
    data.update(overrides)
    return data


def test_form_says_why_a_code_is_bad(reference_data):
    form = OrganisationForm(data=_organisation_data(uscc=PUBLISHED_INVALID))
    assert not form.is_valid()
    assert "校验位不正确" in form.errors["uscc"][0]
    assert not Organisation.objects.exists()


def test_form_stores_the_normalised_code(reference_data):
    form = OrganisationForm(data=_organisation_data(uscc="9132 0214 7455 5531 8w"))
    assert form.is_valid(), form.errors
    assert form.save().uscc == "91320214745555318W"


def test_form_refuses_a_code_that_already_has_an_organisation(reference_data):
    OrganisationForm(data=_organisation_data()).save()
    form = OrganisationForm(data=_organisation_data(name="另一家公司", uscc="91320214745555318w"))
    assert not form.is_valid()
    assert "uscc" in form.errors
    assert Organisation.objects.count() == 1
