"""Build the downloads of the current content version, unless they are built already."""

import gc
import resource

from django.core.management import BaseCommand, CommandError

from kb.downloads.build import build_downloads
from kb.downloads.editions import downloads_dir


class Command(BaseCommand):
    help = (
        "Build every download (kb.json, the CSV files and the offline copy in every language, "
        "kb.stix.json, the offline copy of every language) of "
        "the current content version into KB_DOWNLOADS_DIR, unless built already; waits for "
        "a build in progress."
    )

    def handle(self, *args, **options) -> None:
        # What this process has loaded (Django, kb) is never garbage: the collections the
        # build runs after each chunk of entries then walk only what the build made, as in
        # gunicorn's workers (kb/gunicorn.py).
        gc.freeze()
        edition = build_downloads(wait=True)
        if edition is None:  # only without wait
            raise CommandError("Another process is building the downloads.")
        if options["verbosity"] == 0:
            return
        built = f"{edition.generated_at:%Y-%m-%d %H:%M:%S %Z}"
        self.stdout.write(
            f"Downloads of content version {edition.version} in "
            f"{downloads_dir() / edition.folder.name}, built {built}:"
        )
        for name, figures in edition.files.items():
            self.stdout.write(
                f"  {name:<28} {figures['bytes']:>14,} bytes  {figures['seconds']:>8.1f} s"
            )
        # Linux counts the peak in KiB.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"Peak memory of this process: {peak:,.0f} MiB.")
