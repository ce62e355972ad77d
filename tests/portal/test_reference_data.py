import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import Authority, IndustryField, PlatformCategory


def snapshot():
    return (
        list(Authority.objects.order_by("code").values()),
        list(IndustryField.objects.order_by("code").values()),
        list(PlatformCategory.objects.order_by("code").values()),
    )


@pytest.mark.django_db
def test_load_reference_data_twice_leaves_the_same_rows():
    call_command("load_reference_data")
    first = snapshot()
    call_command("load_reference_data")
    assert snapshot() == first
    assert Authority.objects.count() == 14
    assert IndustryField.objects.count() == 21
    assert PlatformCategory.objects.count() == 4


@pytest.mark.django_db
def test_reference_rows_carry_the_csv_facts():
    call_command("load_reference_data")
    jiangbei = Authority.objects.get(code="JBXQ")
    assert jiangbei.kind == Authority.Kind.NEW_AREA
    assert jiangbei.authority_zh == "江北新区科技创新和大数据管理局"
    assert IndustryField.objects.get(code="third-gen-semiconductors").name_zh == "第三代半导体"
    assert set(PlatformCategory.objects.values_list("code", flat=True)) == {
        "laboratory",
        "technology-innovation-centre",
        "manufacturing-innovation-centre",
        "future-industry-innovation-centre",
    }


@pytest.mark.django_db
def test_an_entry_dropped_from_the_list_is_deactivated_not_deleted():
    IndustryField.objects.create(code="retired-field", name_zh="旧领域", name_en="Old", group="pillar")
    call_command("load_reference_data")
    assert IndustryField.objects.get(code="retired-field").is_active is False
    assert IndustryField.objects.filter(is_active=True).count() == 21


@pytest.mark.django_db
def test_a_changed_name_is_corrected_on_reload():
    call_command("load_reference_data")
    Authority.objects.filter(code="320115").update(name_zh="错误名称")
    call_command("load_reference_data")
    assert Authority.objects.get(code="320115").name_zh == "江宁区"


@pytest.mark.django_db
def test_reference_names_follow_the_users_language():
    from django.utils import translation

    call_command("load_reference_data")
    jiangning = Authority.objects.get(code="320115")
    field = IndustryField.objects.get(code="third-gen-semiconductors")
    assert (str(jiangning), str(field)) == ("江宁区", "第三代半导体")
    with translation.override("en"):
        assert (str(jiangning), str(field)) == ("Jiangning District", "Third-generation semiconductors")


@pytest.mark.django_db
def test_loading_takes_a_few_statements_per_table_whatever_its_rows(django_assert_max_num_queries):
    """Most tests load the reference data first; one query per row was most of their time (239 queries)."""
    from portal.services import load_reference_data

    with django_assert_max_num_queries(11):
        load_reference_data()
    Authority.objects.filter(code="320115").update(name_zh="错误名称")
    IndustryField.objects.filter(code="third-gen-semiconductors").update(is_active=False)
    with django_assert_max_num_queries(13):
        load_reference_data()
    assert Authority.objects.get(code="320115").name_zh == "江宁区"
    assert IndustryField.objects.get(code="third-gen-semiconductors").is_active is True


@pytest.mark.django_db
def test_loading_the_same_data_again_rewrites_no_row():
    """Only a row whose facts changed is written; the rest of the statements are the reads and, per table, the one
    that deactivates what the files no longer list."""
    from portal.services import load_reference_data

    load_reference_data()
    with CaptureQueriesContext(connection) as queries:
        load_reference_data()
    updates = [query["sql"] for query in queries if query["sql"].startswith("UPDATE")]
    assert len(updates) == 3
    assert not [sql for sql in updates if "CASE" in sql], updates
