"""Pages of reuse, one module per screen: the association portal (catalogue and offers, claims,
documents) and the staff screens (erasures, redeployment, associations).

Views parse input, call a service and show the outcome; who sees which rows is decided by the
``for_user``-style selectors in ``reuse.queries`` (another association's row is a 404).
``reuse/urls.py`` imports the modules, as ``labels/urls.py`` does.
"""
