"""What the appraisal tells the later apps (reports) without importing them.

`round_closed`: a round of the year has closed and its index wants computing — sent inside
the phase move's transaction with `actor`, `period` and `stage`; reports records an index run
and queues it on commit (ReportsConfig.ready connects it). A receiver's refusal rolls the
move back, as a direct call would.
"""

from django.dispatch import Signal

round_closed = Signal()
