"""Who is told (DESIGN §1): the lead unit's users, the officers of its district, city staff. Every notification about
a consortium picks its recipients here — one at a time for a person's action, or for a whole set in the daily jobs."""

from django.db.models import QuerySet

from portal.models import Role, User

from .models import Consortium

# From a user to the consortia it is told about, for the set-based jobs (``F(f"{path}name")`` reads the consortium).
LEAD_UNIT_PATH = "organisation__led_consortia__"
DISTRICT_PATH = "authority__organisations__led_consortia__"


def _active(role: str) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=role)


def lead_unit_users(consortium: Consortium) -> QuerySet[User]:
    return _active(Role.LEAD_UNIT).filter(organisation_id=consortium.lead_organisation_id)


def district_officers(consortium: Consortium) -> QuerySet[User]:
    """The officers of the lead unit's district; nobody when the lead unit has none."""
    jurisdiction_id = consortium.lead_organisation.jurisdiction_id
    if jurisdiction_id is None:
        return User.objects.none()
    return _active(Role.DISTRICT_OFFICER).filter(authority_id=jurisdiction_id)


def city_staff() -> QuerySet[User]:
    return _active(Role.CITY_STAFF)


def lead_unit_users_of(consortia: QuerySet[Consortium]) -> QuerySet[User]:
    """One row per consortium of ``consortia`` and user of its lead unit (read the consortium by ``LEAD_UNIT_PATH``)."""
    return _active(Role.LEAD_UNIT).filter(**{f"{LEAD_UNIT_PATH}in": consortia})


def district_officers_of(consortia: QuerySet[Consortium]) -> QuerySet[User]:
    """One row per consortium of ``consortia`` and officer of its district (read it by ``DISTRICT_PATH``)."""
    return _active(Role.DISTRICT_OFFICER).filter(**{f"{DISTRICT_PATH}in": consortia})
