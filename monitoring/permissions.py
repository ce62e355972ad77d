"""Who reads the portfolio list and exports it: the reviewers — district officers (their jurisdiction), city staff
and administrators. A lead unit has its own list of filings."""

from consortia.permissions import acting_role
from portal.models import Role, User

READER_ROLES = frozenset({Role.DISTRICT_OFFICER, Role.CITY_STAFF, Role.ADMIN})


def reads_portfolio(user: User) -> bool:
    return user.is_authenticated and acting_role(user) in READER_ROLES
