#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # A command typed in a checkout is development: DEBUG on unless the environment says
    # otherwise. The settings alone still default to production, and the image and compose
    # set DEBUG=0 (gunicorn and Celery never go through manage.py).
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
