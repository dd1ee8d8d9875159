from django.core.management.base import BaseCommand

from claims_tracker.claims.demo import load_demo


class Command(BaseCommand):
    help = "Load the Soledar demo (NBC News, 13 January 2023). Safe to run again: it creates nothing twice."

    def handle(self, *args, **options):
        result = load_demo()
        if not result.total:
            self.stdout.write("Soledar demo already loaded; nothing new created.")
            return
        made = ", ".join(f"{n} {what}" for what, n in result.created.items())
        self.stdout.write(self.style.SUCCESS(f"Soledar demo loaded: {made}."))
