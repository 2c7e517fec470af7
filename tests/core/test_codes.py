import pytest
from django.core.exceptions import ValidationError

from govinfo_wagtail.core.codes import is_valid_org_code, is_valid_uscc
from govinfo_wagtail.core.models import validate_agency_code


@pytest.mark.parametrize("code", ["11620622013933539B", "91350100M000100Y43", "1144152100704046XU"])
def test_real_credit_codes_pass(code):
    assert is_valid_uscc(code)


@pytest.mark.parametrize("code", [
    "11620622013933539C",  # wrong check character
    "1162062201393353",    # too short
    "11620622013933539I",  # I is not in the GB 32100 character set
    "",
])
def test_bad_credit_codes_fail(code):
    assert not is_valid_uscc(code)


def test_org_codes_with_and_without_hyphen():
    assert is_valid_org_code("000014349")
    assert is_valid_org_code("01527918-X")
    assert not is_valid_org_code("01527918-1")


def test_validator_message_names_the_code():
    with pytest.raises(ValidationError) as exc:
        validate_agency_code("11620622013933539C")
    assert "11620622013933539C" in str(exc.value.messages[0])
    validate_agency_code("1162062201393353-9B".replace("-", ""))
