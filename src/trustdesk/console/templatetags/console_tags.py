from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def sla_timers(ticket):
    """The ticket's service-level timers (``tickets.sla.timers``), computed, not read."""
    from trustdesk.tickets import sla

    return sla.timers(ticket)


@register.filter
def duration(minutes):
    """Minutes as a person reads them: "45m", "3h 10m", "2d 4h"."""
    minutes = abs(int(minutes))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {mins}m" if mins else f"{hours}h"
    return f"{mins}m"
