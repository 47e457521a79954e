import gc

from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "lib"
    verbose_name = "Brug shared library"

    def ready(self) -> None:
        # A page at region scale builds tens of thousands of short-lived objects; with CPython's
        # default thresholds a full collection of everything Django loaded lands in one request
        # in twenty and triples its time (measured in `make bench`). Freeze what start-up made
        # and collect the young generation less often.
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 50, 1000)
