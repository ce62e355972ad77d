"""Demo accounts for ``make run`` (never in production: ``seed_demo`` refuses to run with DEBUG off)."""

from django.db import transaction

from .models import Authority, Organisation, Role, User

DEMO_PASSWORD = "Demo-Pass-2026"

DEMO_ORGANISATIONS = [
    {
        "uscc": "91320115MA1Q8W3R2D",
        "name": "南京示范半导体科技有限公司",
        "kind": Organisation.Kind.ENTERPRISE,
        "jurisdiction": "320115",
        "address": "南京市江宁区秣陵街道示范路 1 号",
        "contact_name": "王敏",
        "contact_phone": "025-5200 0001",
        "contact_email": "wangmin@example.com",
    },
    {
        "uscc": "91320102MA1P4K7N5W",
        "name": "南京示范智能装备股份有限公司",
        "kind": Organisation.Kind.ENTERPRISE,
        "jurisdiction": "320102",
        "address": "南京市玄武区示范大道 88 号",
        "contact_name": "李强",
        "contact_phone": "025-8400 0002",
        "contact_email": "liqiang@example.com",
    },
    {
        "uscc": "52320191MJ5301234C",
        "name": "南京示范先进光子技术研究院",
        "kind": Organisation.Kind.PLATFORM,
        "jurisdiction": "JBXQ",
        "address": "南京市江北新区示范路 18 号",
        "contact_name": "赵婷",
        "contact_phone": "025-5800 0003",
        "contact_email": "zhaoting@example.com",
    },
]

DEMO_USERS = [
    {"username": "admin", "last_name": "系统管理员", "role": Role.ADMIN, "is_staff": True, "is_superuser": True},
    {"username": "city", "last_name": "市科技局 陈工", "role": Role.CITY_STAFF},
    {"username": "jiangning", "last_name": "江宁区科技局 周工", "role": Role.DISTRICT_OFFICER, "authority": "320115"},
    {"username": "xuanwu", "last_name": "玄武区科技局 吴工", "role": Role.DISTRICT_OFFICER, "authority": "320102"},
    {"username": "lead-a", "last_name": "王敏", "role": Role.LEAD_UNIT, "organisation": "91320115MA1Q8W3R2D"},
    {"username": "lead-b", "last_name": "李强", "role": Role.LEAD_UNIT, "organisation": "91320102MA1P4K7N5W"},
    {"username": "lead-c", "last_name": "赵婷", "role": Role.LEAD_UNIT, "organisation": "52320191MJ5301234C"},
]


@transaction.atomic
def seed_demo() -> list[User]:
    """Create or reset the demo organisations and accounts; running it again resets a changed password and
    changes nothing else."""
    authorities = {a.code: a for a in Authority.objects.all()}
    for spec in DEMO_ORGANISATIONS:
        data = dict(spec, jurisdiction=authorities[spec["jurisdiction"]])
        Organisation.objects.update_or_create(uscc=data.pop("uscc"), defaults=data)
    organisations = {o.uscc: o for o in Organisation.objects.filter(uscc__in=[o["uscc"] for o in DEMO_ORGANISATIONS])}
    # The accounts in three statements, not five for each: most tests start from them.
    existing = User.objects.in_bulk([spec["username"] for spec in DEMO_USERS], field_name="username")
    users, fields = [], {"password"}
    for spec in DEMO_USERS:
        data = dict(spec)
        username = data.pop("username")
        if "authority" in data:
            data["authority"] = authorities[data["authority"]]
        if "organisation" in data:
            data["organisation"] = organisations[data["organisation"]]
        data.setdefault("email", f"{username}@example.com")
        user = existing.get(username) or User(username=username)
        for name, value in data.items():
            setattr(user, name, value)
        fields.update(data)
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        users.append(user)
    User.objects.bulk_update([user for user in users if user.pk is not None], fields=sorted(fields))
    User.objects.bulk_create([user for user in users if user.pk is None])
    return users
