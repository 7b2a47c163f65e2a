from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from thidua.audit.chain import ChainCheck, check_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit with status 1 at the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the messages (default: the active language, vi)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or translation.get_language()):
            self._report(check_chain(batch_size=options["batch_size"]))

    def _report(self, check: ChainCheck) -> None:
        broken = check.broken
        if broken is None:
            message = ngettext(
                "Audit log chain intact: %(count)s event.",
                "Audit log chain intact: %(count)s events.",
                check.events,
            )
            self.stdout.write(message % {"count": number_format(check.events, force_grouping=True)})
            return
        if broken.object_type:
            raise CommandError(
                _("Audit log chain broken at event %(seq)s (%(object)s): %(reason)s")
                % {
                    "seq": broken.seq,
                    "object": f"{broken.object_type} {broken.object_id}",
                    "reason": broken.reason,
                }
            )
        if broken.seq == 0:
            raise CommandError(_("Audit log chain broken: %(reason)s") % {"reason": broken.reason})
        raise CommandError(
            _("Audit log chain broken at event %(seq)s: %(reason)s")
            % {"seq": broken.seq, "reason": broken.reason}
        )
