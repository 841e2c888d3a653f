"""Services: transactions, permissions and audit for each area. No Textual.

Every call takes its inputs as domain schemas and returns read schemas, never ORM objects.
Build them all at once with :func:`sro_tui.services.registry.build_services`.
"""
