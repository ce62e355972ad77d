"""The facts of the living demo: the member units and one consortium of each kind the portfolio needs, written as
``consortium-filing/1`` documents (DESIGN §9) — the one shape a filing has outside the portal. ``portfolio`` files
them through the editor's services or imports them as paper filings, and takes each through its life.

USCCs are given without their check character (the 18th), which ``uscc`` computes, so every code is valid."""

from portal.uscc import check_character

# The lead units of the demo accounts (``portal.demo.DEMO_ORGANISATIONS``) and one without an account, whose
# consortium is revoked: a demo account's unit on the dishonesty record could file nothing more.
LEAD_A = "91320115MA1Q8W3R2D"
LEAD_B = "91320102MA1P4K7N5W"
LEAD_C = "52320191MJ5301234C"
LEAD_D = {
    "name": "南京示范显示材料有限公司",
    "uscc": "91320113MA1X0D0D0F",
    "kind": "enterprise",
    "jurisdiction": "320113",
    "head": "孙立",
    "revenue_prev_year": 18600,
    "rd_expense_prev_year": 980,
    "platform": None,
}


def uscc(base: str) -> str:
    """A 17-character base with its check character."""
    return base if len(base) == 18 else base + check_character(base)


def _unit(name, base, kind, chain, capability, role):
    return {
        "name": name,
        "uscc": uscc(base),
        "kind": kind,
        "chain_position": chain,
        "independent_legal_entity": True,
        "capability": capability,
        "role": role,
    }


UNITS = {
    "njut": _unit(
        "南京示范理工大学",
        "12320000466000101",
        "university",
        "n/a",
        "微电子与固体电子学科团队 52 人，其中教授 14 人；拥有省重点实验室和 800 平方米洁净工艺平台。",
        "负责器件物理与可靠性机理研究，培养研究生。",
    ),
    "njnu": _unit(
        "南京示范师范大学",
        "12320000466000202",
        "university",
        "n/a",
        "人工智能与控制工程团队 38 人，建有省工程研究中心和机器人实验室。",
        "负责控制算法与智能感知研究。",
    ),
    "icri": _unit(
        "南京示范集成电路研究院",
        "12320100MB1000303",
        "institute",
        "upstream",
        "新型研发机构，研发人员 64 人，建有 8 英寸中试线和失效分析实验室。",
        "负责工艺开发、中试验证和失效分析。",
    ),
    "jsmi": _unit(
        "江苏示范材料科学研究所",
        "12320000MB1000404",
        "institute",
        "upstream",
        "材料表征与制备团队 45 人，承担国家重点研发计划课题 6 项。",
        "负责关键材料的制备工艺与表征。",
    ),
    "precision": _unit(
        "南京示范精密制造有限公司",
        "91320115MA1000505",
        "enterprise",
        "midstream",
        "精密加工研发人员 86 人，建有省级企业技术中心，上一年研发投入 1800 万元。",
        "负责核心部件的精密加工与批量制造。",
    ),
    "nev": _unit(
        "南京示范新能源汽车有限公司",
        "91320116MA1000606",
        "enterprise",
        "downstream",
        "整车研发人员 420 人，年产新能源汽车 12 万辆，具备整车级验证能力。",
        "负责整车集成验证与示范应用。",
    ),
    "software": _unit(
        "南京示范软件技术有限公司",
        "91320114MA1000707",
        "enterprise",
        "midstream",
        "工业软件研发人员 150 人，拥有软件著作权 210 项。",
        "负责工业软件与数字孪生平台开发。",
    ),
    "grid": _unit(
        "南京示范电力自动化有限公司",
        "91320113MA1000808",
        "enterprise",
        "downstream",
        "电力自动化研发人员 260 人，产品覆盖 20 个省级电网。",
        "负责装备在电网中的示范应用与运行验证。",
    ),
    "storage": _unit(
        "南京示范储能科技有限公司",
        "91320111MA1000909",
        "enterprise",
        "midstream",
        "储能系统研发人员 95 人，建有电池安全测试实验室。",
        "负责储能系统集成与安全测试。",
    ),
    "optics": _unit(
        "南京示范光学仪器有限公司",
        "91320106MA1001010",
        "enterprise",
        "upstream",
        "光学设计与精密装调团队 70 人，上一年研发投入 960 万元。",
        "负责光学元件与测量仪器的研制。",
    ),
    "testing": _unit(
        "南京示范检测认证有限公司",
        "91320105MA1001111",
        "enterprise",
        "downstream",
        "CNAS 认可实验室 2 个，检测工程师 120 人。",
        "负责产品检测认证与标准验证。",
    ),
}


def _task(title, kind, objectives, indicators, milestones=()):
    return {
        "title": title,
        "kind": kind,
        "objectives": objectives,
        "indicators": indicators,
        "milestones": list(milestones),
    }


def _filing(name, field, kinds, summary, members, tasks, *, experts):
    return {
        "format": "consortium-filing/1",
        "name": name,
        "field": field,
        "technology_kinds": kinds,
        "summary": summary,
        "members": [UNITS[code] for code in members],
        "governance": {
            "council": True,
            "council_chair_is_lead_head": True,
            "chief_experts": experts,
            "advisory_committee": ["周立衡（中国科学院院士）", "沈浩然（正高级工程师）", "顾敏（研究员）"],
        },
        "tasks": tasks,
        "agreement": {"attached": True, "all_parties_signed": True},
        "justifications": {},
    }


# Filed in the portal by the demo accounts, each taken to the state its key names.
FILED_IN_PORTAL = {
    "draft": (
        LEAD_A,
        _filing(
            "南京市氮化镓射频芯片创新联合体",
            "third-gen-semiconductors",
            ["choke-point"],
            "面向 5G 基站和卫星通信，联合攻关氮化镓射频芯片外延与器件工艺。",
            ["njut"],
            [],
            experts=["钱志明（南京示范理工大学教授）"],
        ),
    ),
    "withdrawn": (
        LEAD_B,
        _filing(
            "南京市工业互联网安全创新联合体",
            "next-gen-ict",
            ["first-mover"],
            "构建面向装备制造企业的工业互联网安全防护体系。",
            ["software"],
            [],
            experts=["韩雪（南京示范师范大学教授）"],
        ),
    ),
    "resubmitted": (
        LEAD_A,
        _filing(
            "南京市碳化硅功率模块封装创新联合体",
            "third-gen-semiconductors",
            ["choke-point", "frontier"],
            "围绕新能源汽车主驱逆变器，突破碳化硅功率模块高温封装与可靠性测试瓶颈。",
            ["njut", "icri", "nev"],
            [
                _task(
                    "碳化硅功率模块银烧结封装工艺",
                    "choke-point",
                    "形成车规级银烧结封装工艺并实现批量生产。",
                    "功率循环寿命不低于 10 万次；封装良率不低于 95%。",
                    ["第一年：完成工艺验证", "第二年：小批量试产", "第三年：批量装车"],
                )
            ],
            experts=["秦文博（南京示范理工大学教授）"],
        ),
    ),
    "district_review": (
        LEAD_B,
        _filing(
            "南京市智能网联汽车线控底盘创新联合体",
            "connected-nev",
            ["first-mover"],
            "联合整车、零部件和高校，攻关线控制动与线控转向系统的功能安全。",
            ["njnu", "nev", "precision"],
            [
                _task(
                    "线控制动系统功能安全",
                    "first-mover",
                    "研制满足 ASIL-D 要求的线控制动系统。",
                    "制动响应时间不超过 150 毫秒；通过 ISO 26262 ASIL-D 认证。",
                )
            ],
            experts=["韩雪（南京示范师范大学教授）"],
        ),
    ),
    "city_review": (
        LEAD_A,
        _filing(
            "南京市车规级芯片可靠性创新联合体",
            "integrated-circuits",
            ["choke-point"],
            "建立车规级芯片可靠性设计、测试与认证能力，服务本地整车企业。",
            ["njut", "icri", "testing"],
            [
                _task(
                    "车规级芯片 AEC-Q100 可靠性测试平台",
                    "choke-point",
                    "建成覆盖 AEC-Q100 全项目的可靠性测试平台。",
                    "测试项目覆盖率 100%；年测试能力 500 批次。",
                )
            ],
            experts=["秦文博（南京示范理工大学教授）"],
        ),
    ),
    "returned": (
        LEAD_B,
        _filing(
            "南京市工业机器人精密减速器创新联合体",
            "robotics",
            ["choke-point"],
            "突破工业机器人 RV 减速器和谐波减速器的精度保持性瓶颈。",
            ["njnu", "jsmi", "precision"],
            [
                _task(
                    "RV 减速器精度保持性提升",
                    "choke-point",
                    "RV 减速器精度寿命达到国际先进水平。",
                    "额定寿命 6000 小时后回差不超过 1 弧分。",
                )
            ],
            experts=["韩雪（南京示范师范大学教授）"],
        ),
    ),
    "rejected": (
        LEAD_B,
        _filing(
            "南京市智能制造数字孪生创新联合体",
            "intelligent-manufacturing",
            ["frontier"],
            "研发面向离散制造的数字孪生建模与仿真平台。",
            ["njnu", "software"],
            [
                _task(
                    "离散制造数字孪生建模",
                    "frontier",
                    "形成数字孪生建模工具链。",
                    "支持 10 类典型产线建模；仿真误差不超过 5%。",
                )
            ],
            experts=["韩雪（南京示范师范大学教授）"],
        ),
    ),
    "approved_a": (
        LEAD_A,
        _filing(
            "南京市第三代半导体衬底材料创新联合体",
            "new-materials",
            ["choke-point", "first-mover"],
            "贯通碳化硅粉料、晶体生长到衬底加工的链条，实现 8 英寸衬底量产。",
            ["njut", "jsmi", "precision"],
            [
                _task(
                    "8 英寸碳化硅单晶生长",
                    "choke-point",
                    "掌握 8 英寸导电型碳化硅单晶生长技术。",
                    "微管密度低于 0.1 个/平方厘米；单炉成品率不低于 60%。",
                    ["第一年：完成长晶炉改进", "第二年：实现稳定生长", "第三年：量产"],
                )
            ],
            experts=["秦文博（南京示范理工大学教授）"],
        ),
    ),
    "approved_b": (
        LEAD_B,
        _filing(
            "南京市高端数控机床创新联合体",
            "intelligent-manufacturing",
            ["choke-point"],
            "联合攻关五轴联动数控系统和高速电主轴，提升高端机床国产化率。",
            ["njnu", "precision", "software"],
            [
                _task(
                    "五轴联动数控系统",
                    "choke-point",
                    "研制具有自主知识产权的五轴联动数控系统。",
                    "插补周期不超过 0.5 毫秒；在 20 台机床上示范应用。",
                )
            ],
            experts=["韩雪（南京示范师范大学教授）"],
        ),
    ),
}

# Filed on paper before the portal (``reviews.imports``): how a portfolio older than the portal gets its history,
# and how the demo has consortia in the middle and at the end of their construction period. ``years_ago`` places the
# filing; ``ends_in`` (days from today, negative: past) the end of its period.
PAPER_FILINGS = {
    "reporting_accepted": (
        LEAD_A,
        {"years_ago": 2, "ends_in": 400, "number": 11},
        _filing(
            "南京市碳化硅外延装备创新联合体",
            "third-gen-semiconductors",
            ["choke-point"],
            "研制碳化硅外延炉和高温离子注入机，实现关键装备国产化。",
            ["njut", "icri", "precision"],
            [
                _task(
                    "8 英寸碳化硅外延炉",
                    "choke-point",
                    "研制 8 英寸碳化硅外延炉并在产线验证。",
                    "外延厚度均匀性优于 2%；设备稼动率不低于 90%。",
                )
            ],
            experts=["秦文博（南京示范理工大学教授）"],
        ),
    ),
    "reporting_submitted": (
        LEAD_B,
        {"years_ago": 2, "ends_in": 300, "number": 15},
        _filing(
            "南京市智能电网装备创新联合体",
            "smart-grid",
            ["first-mover"],
            "面向新型电力系统，联合研制柔性直流输电关键装备。",
            ["njnu", "grid", "storage"],
            [
                _task(
                    "柔性直流换流阀",
                    "first-mover",
                    "研制 ±500 千伏柔性直流换流阀样机。",
                    "损耗不高于 1%；通过型式试验。",
                )
            ],
            experts=["韩雪（南京示范师范大学教授）"],
        ),
    ),
    "reporting_returned": (
        LEAD_C,
        {"years_ago": 1, "ends_in": 700, "number": 4},
        _filing(
            "南京市硅基光电子创新联合体",
            "electronic-information",
            ["frontier"],
            "研发硅基光电子芯片设计与封装技术，服务数据中心光互连。",
            ["njut", "icri", "optics"],
            [
                _task(
                    "400G 硅光收发芯片",
                    "frontier",
                    "完成 400G 硅光收发芯片设计与流片。",
                    "单通道速率 100G；功耗不高于 8 瓦。",
                )
            ],
            experts=["钱志明（南京示范理工大学教授）"],
        ),
    ),
    "reporting_to_fill": (
        LEAD_B,
        {"years_ago": 1, "ends_in": 650, "number": 9},
        _filing(
            "南京市服务机器人创新联合体",
            "robotics",
            ["first-mover"],
            "面向养老和医疗场景，联合研制服务机器人整机与核心部件。",
            ["njnu", "precision", "software"],
            [
                _task(
                    "养老护理机器人",
                    "first-mover",
                    "研制可在养老机构应用的护理机器人。",
                    "在 10 家养老机构示范应用；连续无故障运行 500 小时。",
                )
            ],
            experts=["韩雪（南京示范师范大学教授）"],
        ),
    ),
    "expiring": (
        LEAD_C,
        {"ends_in": 45, "number": 3},
        _filing(
            "南京市激光精密加工创新联合体",
            "intelligent-manufacturing",
            ["choke-point"],
            "突破超快激光器和精密加工头，形成激光精密加工装备。",
            ["jsmi", "optics", "precision"],
            [
                _task(
                    "超快激光精密加工装备",
                    "choke-point",
                    "研制皮秒激光精密加工装备。",
                    "加工精度优于 5 微米；整机国产化率不低于 90%。",
                )
            ],
            experts=["钱志明（南京示范理工大学教授）"],
        ),
    ),
    "expired": (
        LEAD_C,
        {"ends_in": -20, "number": 5},
        _filing(
            "南京市光纤传感创新联合体",
            "next-gen-ict",
            ["first-mover"],
            "研发分布式光纤传感系统，应用于桥梁和管网监测。",
            ["njut", "optics", "testing"],
            [
                _task(
                    "分布式光纤振动传感",
                    "first-mover",
                    "研制分布式光纤振动传感系统。",
                    "监测距离 50 千米；定位精度 5 米。",
                )
            ],
            experts=["钱志明（南京示范理工大学教授）"],
        ),
    ),
    "completed": (
        LEAD_C,
        {"years_ago": 2, "ends_in": 330, "number": 8},
        _filing(
            "南京市量子精密测量创新联合体",
            "electronic-information",
            ["frontier"],
            "研制原子磁力计和量子重力仪，形成量子精密测量产品。",
            ["njut", "jsmi", "optics"],
            [
                _task(
                    "原子磁力计样机",
                    "frontier",
                    "研制芯片级原子磁力计样机。",
                    "灵敏度优于 10 飞特斯拉；体积不大于 10 立方厘米。",
                )
            ],
            experts=["钱志明（南京示范理工大学教授）"],
        ),
    ),
    "revoked": (
        LEAD_D,
        {"years_ago": 1, "ends_in": 600, "number": 12},
        _filing(
            "南京市新型显示材料创新联合体",
            "new-materials",
            ["choke-point"],
            "研发 OLED 发光材料和量子点材料，实现显示材料国产替代。",
            ["njnu", "jsmi", "testing"],
            [
                _task(
                    "OLED 蓝光发光材料",
                    "choke-point",
                    "开发高效率长寿命 OLED 蓝光材料。",
                    "外量子效率不低于 25%；寿命 LT95 不低于 500 小时。",
                )
            ],
            experts=["韩雪（南京示范师范大学教授）"],
        ),
    ),
}
