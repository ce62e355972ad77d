from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.portfolio import seed_portfolio
from portal.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Create demo accounts for every role with a known password and a demo portfolio in every state of a "
        "consortium's life (development only; a second run changes nothing)."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with a published password and refuses to run with DEBUG=0.")
        users = seed_demo()
        made = seed_portfolio(users)
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for user in users:
            where = user.organisation or (user.authority.authority_zh if user.authority else "")
            self.stdout.write(f"  {user.username:<10} {user.get_role_display()}  {where}")
        self.stdout.write(f"Demo consortia made this time: {len(made)}")
