"""consortia.comparison on crafted (document, details) pairs: which fields and rows changed, and their old and new
values; the labels are written out here, so a wrong label fails the test."""

import copy

import pytest

from consortia.comparison import compare_filings

UNIVERSITY = "12100000466007654L"
ENTERPRISE = "914403001922038216"
SECTIONS = ["basic", "lead", "members", "governance", "tasks", "funding", "documents"]


def member(uscc, name, **changes):
    values = {
        "name": name,
        "uscc": uscc,
        "kind": "university",
        "chain_position": "n/a",
        "independent_legal_entity": True,
        "capability": "团队 40 人。",
        "role": "材料研究。",
    }
    return values | changes


def version():
    document = {
        "name": "南京市第三代半导体功率器件创新联合体",
        "field": "third-gen-semiconductors",
        "technology_kinds": ["choke-point"],
        "summary": "围绕碳化硅功率器件开展联合攻关。",
        "period": {"start": "2026-01-01", "end": "2028-12-31"},
        "lead": {"name": "南京示范半导体科技有限公司", "head": "王敏", "revenue_prev_year": 52000, "platform": None},
        "members": [member(UNIVERSITY, "南京示范大学"), member(ENTERPRISE, "深圳示范通信", kind="enterprise")],
        "governance": {
            "council": True,
            "council_chair_is_lead_head": True,
            "chief_experts": [],
            "advisory_committee": [],
        },
        "tasks": [{"title": "栅氧可靠性攻关", "kind": "choke-point", "objectives": "达到车规要求。", "indicators": ""}],
        "agreement": {"attached": True, "signed_on": "2025-11-20", "all_parties_signed": True},
    }
    details = {
        "goals": "三年内实现量产。",
        "council_chair": "",
        "operating_mechanism": "",
        "tasks": [{"title": "栅氧可靠性攻关", "milestones": "2026 年验证。", "responsible_units": ["南京示范大学"]}],
        "funding": [
            {
                "organisation": "南京示范半导体科技有限公司",
                "year": 2026,
                "self_raised": 100,
                "government": 0,
                "financial": 0,
            }
        ],
        "documents": [{"id": 7, "kind": "formation_agreement", "name": "组建协议.pdf", "size": 900, "sha256": "ab"}],
    }
    return document, details


def revised(edit):
    """A copy of ``version()`` changed by ``edit(document, details)``."""
    document, details = copy.deepcopy(version())
    edit(document, details)
    return document, details


def by_section(before, after):
    return {changes.section: changes for changes in compare_filings(before, after)}


def fields(changes):
    return [(f.label, f.old, f.new) for f in changes.fields]


def rows(changes):
    return [(r.kind, r.title, [(f.label, f.old, f.new) for f in r.fields]) for r in changes.rows]


def test_the_same_filing_changes_nothing_in_any_section():
    result = compare_filings(version(), version())
    assert [c.section for c in result] == SECTIONS
    assert [(c.changed, c.fields, c.rows) for c in result] == [(False, (), ())] * len(SECTIONS)


def test_a_changed_field_gives_its_label_with_the_old_and_the_new_value_and_touches_no_other_section():
    after = revised(lambda document, details: details.update(goals="三年内实现量产，良率 95%。"))
    result = by_section(version(), after)
    assert fields(result["basic"]) == [("建设目标", "三年内实现量产。", "三年内实现量产，良率 95%。")]
    assert result["basic"].rows == ()
    assert [s for s, c in result.items() if c.changed] == ["basic"]


def test_a_missing_value_and_an_empty_one_are_the_same():
    def edit(document, details):
        del details["council_chair"], document["lead"]["platform"]

    assert not any(c.changed for c in compare_filings(version(), revised(edit)))


def test_members_are_matched_by_uscc_added_removed_and_changed_field_by_field():
    def edit(document, details):
        university, _enterprise = document["members"]
        university.update(name="南京示范大学（更名）", capability="团队 60 人，新增中试线。")
        document["members"] = [university, member("91320115MA1000001X", "示范材料公司", kind="enterprise")]

    changes = by_section(version(), revised(edit))["members"]
    assert changes.fields == ()
    assert rows(changes) == [
        (
            "changed",
            f"南京示范大学（更名）（{UNIVERSITY}）",
            [
                ("单位名称", "南京示范大学", "南京示范大学（更名）"),
                ("研发能力或科研团队与实验条件", "团队 40 人。", "团队 60 人，新增中试线。"),
            ],
        ),
        (
            "removed",
            f"深圳示范通信（{ENTERPRISE}）",
            [
                ("单位名称", "深圳示范通信", None),
                ("单位类型", "enterprise", None),
                ("产业链位置", "n/a", None),
                ("独立法人", True, None),
                ("研发能力或科研团队与实验条件", "团队 40 人。", None),
                ("承担的实质性研发工作", "材料研究。", None),
            ],
        ),
        (
            "added",
            "示范材料公司（91320115MA1000001X）",
            [
                ("单位名称", None, "示范材料公司"),
                ("单位类型", None, "enterprise"),
                ("产业链位置", None, "n/a"),
                ("独立法人", None, True),
                ("研发能力或科研团队与实验条件", None, "团队 40 人。"),
                ("承担的实质性研发工作", None, "材料研究。"),
            ],
        ),
    ]


def test_a_task_is_matched_by_title_with_its_details_and_a_renamed_one_is_removed_and_added():
    def edit(document, details):
        document["tasks"][0]["indicators"] = "HTGB 1000 小时无失效。"
        details["tasks"][0]["milestones"] = "2026 年验证；2027 年小批量。"
        document["tasks"].append({"title": "外延缺陷控制", "kind": "frontier", "objectives": "缺陷密度减半。"})
        details["tasks"].append({"title": "外延缺陷控制", "milestones": "", "responsible_units": []})

    changes = by_section(version(), revised(edit))["tasks"]
    assert rows(changes) == [
        (
            "changed",
            "栅氧可靠性攻关",
            [
                ("考核指标", "", "HTGB 1000 小时无失效。"),
                ("年度进度安排", "2026 年验证。", "2026 年验证；2027 年小批量。"),
            ],
        ),
        ("added", "外延缺陷控制", [("技术类型", None, "frontier"), ("攻关目标", None, "缺陷密度减半。")]),
    ]

    def rename(document, details):
        document["tasks"][0]["title"] = details["tasks"][0]["title"] = "栅氧寿命攻关"

    assert [(kind, title) for kind, title, _ in rows(by_section(version(), revised(rename))["tasks"])] == [
        ("removed", "栅氧可靠性攻关"),
        ("added", "栅氧寿命攻关"),
    ]


def test_two_tasks_of_one_title_are_told_apart_by_their_order():
    def twice(document, details):
        document["tasks"].append({**document["tasks"][0], "objectives": "第二项目标。"})
        details["tasks"].append(dict(details["tasks"][0]))

    def second_changed(document, details):
        twice(document, details)
        document["tasks"][1]["kind"] = "frontier"

    assert rows(by_section(revised(twice), revised(second_changed))["tasks"]) == [
        ("changed", "栅氧可靠性攻关", [("技术类型", "choke-point", "frontier")])
    ]


def test_funding_lines_are_matched_by_unit_and_year():
    lead = "南京示范半导体科技有限公司"

    def edit(document, details):
        details["funding"][0]["self_raised"] = 150
        details["funding"].append(
            {"organisation": lead, "year": 2027, "self_raised": 80, "government": 20, "financial": 0}
        )

    changes = by_section(version(), revised(edit))["funding"]
    assert rows(changes) == [
        ("changed", f"{lead}（2026 年度）", [("自筹（万元）", 100, 150)]),
        (
            "added",
            f"{lead}（2027 年度）",
            [("自筹（万元）", None, 80), ("政府资金（万元）", None, 20), ("金融及基金（万元）", None, 0)],
        ),
    ]
    removed = by_section(revised(edit), version())["funding"]
    assert [(kind, title) for kind, title, _ in rows(removed)] == [
        ("changed", f"{lead}（2026 年度）"),
        ("removed", f"{lead}（2027 年度）"),
    ]


def test_documents_are_added_or_removed_by_id():
    def edit(document, details):
        details["documents"] = [{"id": 8, "kind": "formation_agreement", "name": "组建协议（新）.pdf"}]
        document["agreement"]["signed_on"] = "2025-12-01"

    changes = by_section(version(), revised(edit))["documents"]
    assert fields(changes) == [("签署日期", "2025-11-20", "2025-12-01")]
    assert rows(changes) == [("removed", "组建协议：组建协议.pdf", []), ("added", "组建协议：组建协议（新）.pdf", [])]


@pytest.mark.django_db
def test_values_are_shown_in_the_words_users_read(reference_data):
    def edit(document, details):
        document["field"] = "biomedicine"
        document["technology_kinds"] = ["choke-point", "frontier"]
        document["members"][0]["independent_legal_entity"] = False
        document["governance"]["council"] = False

    result = by_section(version(), revised(edit))
    shown = {f.label: (f.old_text, f.new_text) for f in result["basic"].fields}
    assert shown["产业领域"] == ("第三代半导体", "生物医药")
    assert shown["攻关技术类型"] == ("“卡脖子”技术", "“卡脖子”技术；引领未来发展的基础前沿技术")
    [changed_member] = result["members"].rows
    assert [(f.label, f.old_text, f.new_text) for f in changed_member.fields] == [("独立法人", "是", "否")]
    assert [(f.old_text, f.new_text) for f in result["governance"].fields] == [("已设立", "未设立")]
    [removed] = by_section(version(), revised(lambda document, details: document["members"].pop()))["members"].rows
    shown = {f.label: (f.old_text, f.new_text) for f in removed.fields}
    assert shown["独立法人"] == ("是", "—") and shown["单位类型"] == ("企业", "—")
