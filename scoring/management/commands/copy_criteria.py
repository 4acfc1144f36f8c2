from django.core.management.base import BaseCommand, CommandError

from scoring.criteria_io import CriteriaError, criteria_copy


class Command(BaseCommand):
    help = "Sao chép bộ tiêu chí và điểm thưởng tối đa của các khối sang một năm mới."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="from_year", type=int, required=True)
        parser.add_argument("--to", dest="to_year", type=int, required=True)

    def handle(self, *args, from_year, to_year, **options):
        try:
            criteria_copy(from_year=from_year, to_year=to_year)
        except CriteriaError as error:
            raise CommandError("\n".join(error.errors)) from None
        self.stdout.write(f"Đã sao chép bộ tiêu chí năm {from_year} sang năm {to_year}.")
