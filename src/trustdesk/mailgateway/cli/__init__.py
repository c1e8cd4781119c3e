"""``trustdesk mail <group> …``: each group (lists, routes, queue) is a module here with
``add_arguments(parser)`` and ``run(actor, options, out)``, over the gateway's services and
selectors, as the console and the API are."""
