from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.formats import number_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from thidua.audit.chain import BrokenLink, ChainCheck, check_anchors, check_chain


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
            self._check_anchors()

    def _check_anchors(self) -> None:
        """Against the anchors published outside the database (THIDUA_AUDIT_ANCHORS names a
        function returning them, e.g. the public log of disclosures; it raises if they do not
        hold together themselves)."""
        source = getattr(settings, "THIDUA_AUDIT_ANCHORS", "")
        if not source:
            return
        try:
            anchors = import_string(source)()
        except Exception as exc:  # the anchors' own check failed: say what, exit 1
            raise CommandError(
                _("The public log's anchors cannot be trusted: %(reason)s") % {"reason": exc}
            ) from exc
        if not anchors:
            return
        broken = check_anchors(anchors)
        if broken is not None:
            self._fail(broken)
        message = ngettext(
            "Matches %(count)s anchor in the public log.",
            "Matches %(count)s anchors in the public log.",
            len(anchors),
        )
        self.stdout.write(message % {"count": number_format(len(anchors), force_grouping=True)})

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
        self._fail(broken)

    def _fail(self, broken: BrokenLink) -> None:
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
