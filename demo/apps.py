from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and synthetic fleets (``seed_demo``, ``generate_fleet``): development,
    tests and benchmarks only.

    On top of the import graph, like ``config``: it imports the apps it fills, and no app
    imports it, so the register carries no data generator.
    """

    name = "demo"
    verbose_name = "Demo"
