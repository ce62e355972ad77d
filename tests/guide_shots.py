"""The screenshots of each user guide (docs/guide/<guide>.md shows docs/guide/images/<name>.png), in one place: the
browser test tests/e2e/test_guide_screenshots.py takes exactly these, and tests/portal/test_guides.py checks that the
guides show these and no others."""

GUIDE_SHOTS = {
    "lead-unit": (
        "lead-register",
        "lead-filings",
        "lead-editor",
        "lead-eligibility",
        "lead-returned",
        "lead-change",
        "lead-report",
        "lead-completion",
        "lead-organisation",
    ),
    "district": (
        "district-queue",
        "district-review",
        "district-portfolio",
        "district-report",
        "district-dashboard",
        "district-inbox",
    ),
    "city": (
        "city-queue",
        "city-review",
        "city-campaigns",
        "city-campaign",
        "city-dashboard",
        "city-portfolio",
        "city-revoke",
        "city-dishonesty",
    ),
    "admin": (
        "admin-site",
        "admin-users",
        "admin-reference",
        "admin-thresholds",
        "admin-notifications",
        "admin-audit",
    ),
}
SHOTS = tuple(name for names in GUIDE_SHOTS.values() for name in names)
