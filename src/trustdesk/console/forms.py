"""Console forms parse input only; the rules live in the services they feed."""

from __future__ import annotations

from django import forms

from trustdesk.access.roles import ROLE_CHOICES
from trustdesk.access.selectors import OUTCOMES
from trustdesk.privacy.inventory import Inventory
from trustdesk.tickets.models import Channel, Priority, Status

_BLANK = [("", "Any")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class TicketFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search",
                        widget=forms.TextInput(attrs={"placeholder": "#number, subject or words",
                                                      "data-shortcut": "/"}))
    status = forms.ChoiceField(required=False, choices=[("active", "Active"), ("", "All"),
                                                        *Status.choices])
    priority = forms.ChoiceField(required=False, choices=_BLANK + list(Priority.choices))
    channel = forms.ChoiceField(required=False, choices=_BLANK + list(Channel.choices))
    assignee = forms.ChoiceField(required=False, choices=[("", "Anyone"), ("me", "Me"),
                                                          ("none", "Unassigned")])
    tag = forms.CharField(required=False, max_length=40, label="Tag",
                          widget=forms.TextInput(attrs={"placeholder": "any",
                                                        "list": "tag-names", "size": 10}))
    order = forms.ChoiceField(required=False, choices=[
        ("updated", "Recently updated"), ("oldest", "Waiting longest"),
        ("priority", "Priority"), ("due", "Due first (SLA)"), ("created", "Newest"),
    ])


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "data-shortcut": "r"}),
                           label="Reply", max_length=100_000)
    internal = forms.BooleanField(required=False, label="Internal note (not sent)")
    status = forms.ChoiceField(required=False, label="Then set status",
                               choices=[("", "Pending (default)"), *Status.choices])
    attachments = MultipleFileField(required=False)
    # Set by the "Send anyway" button the reply guard's warnings bring up.
    send_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The last message the page showed: a colleague's reply since is warned about.
    seen_up_to = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    seen_count = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class TicketUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    priority = forms.ChoiceField(choices=Priority.choices)
    assignee_id = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                         label="Assignee")
    team_id = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                     label="Team")

    def __init__(self, *args, agents=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee_id"].choices = [("", "Unassigned")] + [
            (a.pk, a.full_name) for a in agents
        ]
        self.fields["team_id"].choices = [("", "No team")] + [(t.pk, t.name) for t in teams]


class TicketCreateForm(forms.Form):
    customer_id = forms.UUIDField(widget=forms.HiddenInput)
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}),
                           label="What the customer wrote", max_length=100_000)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    team_id = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                     label="Team")
    assignee_id = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                         label="Assignee")
    attachments = MultipleFileField(required=False)
    # Opening a ticket for a customer gives need-to-know: it is a declared contact.
    reason = forms.CharField(max_length=500, label="Why you are opening it",
                             help_text="For example: caller on the line. Recorded in the "
                             "audit trail; security officers see unusual numbers.")

    def __init__(self, *args, agents=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team_id"].choices = [("", "No team")] + [(t.pk, t.name) for t in teams]
        self.fields["assignee_id"].choices = [("", "Unassigned")] + [
            (a.pk, a.full_name) for a in agents]


class CustomerSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Name or company",
                        widget=forms.TextInput(attrs={"data-shortcut": "/",
                                                      "placeholder": "ada love"}))
    field = forms.ChoiceField(required=False, label="or find by")
    value = forms.CharField(required=False, max_length=200, label="Exact value")

    def __init__(self, *args, inventory: Inventory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [(f.name, f.label) for f in inventory.fields
                                        if f.searchable]


_WIDGETS = {
    "text": lambda: forms.Textarea(attrs={"rows": 3}),
    "email": lambda: forms.EmailInput(),
    "phone": lambda: forms.TextInput(attrs={"type": "tel", "placeholder": "+44 20 7946 0958"}),
    "date": lambda: forms.DateInput(attrs={"type": "date"}),
}


def customer_form(inventory: Inventory, data=None, initial=None) -> forms.Form:
    """A form with one field per declared inventory field, so the console can never
    offer to collect anything the inventory does not declare."""
    form = forms.Form(data=data, initial=initial)
    for spec in inventory.fields:
        widget = _WIDGETS.get(spec.type, forms.TextInput)()
        form.fields[spec.name] = forms.CharField(
            label=spec.label, required=spec.required, widget=widget,
            max_length=2000 if spec.type == "text" else 200,
            help_text=f"{spec.sensitivity.capitalize()} · {spec.purpose}",
        )
    consented = [f.label for f in inventory.fields if f.legal_basis == "consent"]
    if consented:
        # Those fields are kept only with the customer's consent on record: saying how
        # it was given records it with the write (customers.consent).
        from trustdesk.customers.consent import STAFF_METHOD_CHOICES

        form.fields[CONSENT_HOW] = forms.ChoiceField(
            label="The customer consented to keeping these, told", required=False,
            choices=(("", "—"), *STAFF_METHOD_CHOICES),
            help_text=f"Needed to fill in {', '.join(consented)} without consent on record")
    return form


CONSENT_HOW = "consent_how"  # not a profile field: how consent to the write was given


class ErasureForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Kept in the erasure record, e.g. “GDPR Art. 17 request "
                             "of 3 May”.")
    confirm = forms.BooleanField(label="I understand this cannot be undone")


class AgentForm(forms.Form):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=120)
    role = forms.ChoiceField(choices=ROLE_CHOICES)
    team_ids = forms.TypedMultipleChoiceField(required=False, coerce=int, label="Teams",
                                              widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(required=False, initial=True, label="Active")
    password = forms.CharField(required=False, widget=forms.PasswordInput(
        render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="At least 15 characters; a passphrase is best.")

    def __init__(self, *args, teams=(), creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team_ids"].choices = [(t.pk, t.name) for t in teams]
        if creating:
            self.fields["password"].required = True
            del self.fields["is_active"]
        else:
            self.fields["email"].label = "Sign-in address"
            self.fields["email"].required = False  # left out or blank: unchanged
            self.fields["email"].help_text = (
                "A new address takes effect once its owner confirms it from that mailbox; "
                "the old address is told.")
            del self.fields["password"]


class TeamForm(forms.Form):
    name = forms.CharField(max_length=80)
    description = forms.CharField(required=False, max_length=240)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, initial="script")
    scopes = forms.CharField(max_length=400, initial="*",
                             help_text="Comma-separated permissions or patterns such as "
                             "ticket.* — a token never exceeds your role.")
    expires_days = forms.IntegerField(min_value=1, max_value=366, initial=90,
                                      label="Expires after (days)")


class AuditFilterForm(forms.Form):
    # Not an EmailField: system jobs ("system:retention") act too, and the match is exact.
    actor = forms.CharField(required=False, max_length=254, label="Agent email",
                            widget=forms.TextInput(attrs={"data-shortcut": "/",
                                                          "placeholder": "name@example.com"}))
    customer_id = forms.UUIDField(required=False, label="Customer id")
    action = forms.CharField(required=False, max_length=64, label="Action",
                             widget=forms.TextInput(attrs={"placeholder": "customer. or "
                                                           "ticket.view"}))
    outcome = forms.ChoiceField(required=False, choices=_BLANK + [(o, o.capitalize())
                                                                  for o in OUTCOMES])
    since = forms.DateField(required=False, label="From",
                            widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To (inclusive)",
                            widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data


class TagsForm(forms.Form):
    """Tags to add (comma-separated, as typed) and one to remove (its × button)."""

    add = forms.CharField(required=False, max_length=400, label="Add tags",
                          widget=forms.TextInput(attrs={"placeholder": "refund, vip",
                                                        "list": "tag-names"}))
    remove = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def tags_to_add(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["add"].split(",") if t.strip()]


KEEP = ""  # a bulk field left as it is on every ticket


class BulkForm(forms.Form):
    """One change to the tickets ticked in the queue. "none" clears an assignee or team."""

    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True,
                                         error_messages={"required": "Select tickets first."})
    status = forms.ChoiceField(required=False, label="Status",
                               choices=[(KEEP, "Status…"), *Status.choices])
    priority = forms.ChoiceField(required=False, label="Priority",
                                 choices=[(KEEP, "Priority…"), *Priority.choices])
    assignee_id = forms.ChoiceField(required=False, label="Assignee")
    team_id = forms.ChoiceField(required=False, label="Team")
    add_tag = forms.CharField(required=False, max_length=40, label="Add tag",
                              widget=forms.TextInput(attrs={"placeholder": "add tag",
                                                            "list": "tag-names", "size": 10}))
    remove_tag = forms.CharField(required=False, max_length=40, label="Remove tag",
                                 widget=forms.TextInput(attrs={"placeholder": "remove tag",
                                                               "list": "tag-names",
                                                               "size": 10}))

    merge_into = forms.IntegerField(required=False, min_value=1, max_value=2**62,
                                    label="Merge into #", widget=forms.NumberInput(
                                        attrs={"placeholder": "merge into #", "size": 8}))

    def __init__(self, *args, agents=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is offered: the service decides which tickets the person may change.
        self.fields["ids"].valid_value = lambda value: True
        self.fields["assignee_id"].choices = [(KEEP, "Assignee…"), ("none", "Unassigned")] + [
            (str(a.pk), a.full_name) for a in agents]
        self.fields["team_id"].choices = [(KEEP, "Team…"), ("none", "No team")] + [
            (str(t.pk), t.name) for t in teams]

    def changes(self) -> dict:
        """The keyword arguments of ``tickets_bulk`` beyond the ids."""
        data, out = self.cleaned_data, {}
        for name in ("status", "priority"):
            if data[name] != KEEP:
                out[name] = data[name]
        for name in ("assignee_id", "team_id"):
            if data[name] != KEEP:
                out[name] = None if data[name] == "none" else int(data[name])
        out["add_tags"] = [data["add_tag"]] if data["add_tag"].strip() else []
        out["remove_tags"] = [data["remove_tag"]] if data["remove_tag"].strip() else []
        return out


class MacroForm(forms.Form):
    name = forms.CharField(max_length=60)
    body = forms.CharField(label="Reply", max_length=10_000, widget=forms.Textarea(
        attrs={"rows": 8}), help_text=(
        "Placeholders: {{ customer.first_name }}, {{ customer.full_name }} or any customer "
        "field, {{ agent.name }}, {{ agent.first_name }}, {{ ticket.id }}, "
        "{{ ticket.subject }}. A customer field you may not see in full is never filled "
        "in: the draft says so instead."))
    status = forms.ChoiceField(required=False, label="Then set status",
                               choices=[("", "Pending (default)"), *Status.choices])
    shared = forms.BooleanField(required=False, label="Share with everyone who answers "
                                                      "tickets")

    def __init__(self, *args, can_share: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_share:
            del self.fields["shared"]


class SlaPolicyForm(forms.Form):
    name = forms.CharField(max_length=80)
    priority = forms.ChoiceField(required=False, choices=[("", "Any priority"),
                                                          *Priority.choices])
    channel = forms.ChoiceField(required=False, choices=[("", "Any channel"),
                                                         *Channel.choices])
    first_response_minutes = forms.IntegerField(required=False, min_value=1,
                                                label="First reply within (minutes)")
    resolution_minutes = forms.IntegerField(required=False, min_value=1,
                                            label="Solved within (minutes)")
    business_hours = forms.BooleanField(required=False, initial=True,
                                        label="Count the team's business hours")
    position = forms.IntegerField(min_value=0, max_value=10_000, initial=100,
                                  help_text="Lower is tried first.")


_DAY_RANGE = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


class HoursForm(forms.Form):
    """Opening hours as a person writes them: one line per day or range of days,
    "mon-fri 09:00-17:00" or "sat 10:00-12:00, 13:00-16:00"."""

    timezone = forms.CharField(max_length=64, initial="Europe/London")
    schedule = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                               initial="mon-fri 09:00-17:00",
                               help_text="One line per day or range: mon-fri 09:00-17:00")
    holidays = forms.CharField(required=False, help_text="Closed days: 2026-12-25, …",
                               widget=forms.TextInput(attrs={"placeholder": "2026-12-25"}))

    @staticmethod
    def schedule_text(schedule: dict) -> str:
        return "\n".join(f"{day} " + ", ".join(f"{a}-{b}" for a, b in spans)
                         for day, spans in schedule.items())

    def clean_schedule(self) -> dict:
        days = list(_DAY_RANGE)
        out: dict[str, list] = {}
        for line in self.cleaned_data["schedule"].splitlines():
            if not line.strip():
                continue
            which, _, spans = line.strip().partition(" ")
            first, _, last = which.lower().partition("-")
            if first not in _DAY_RANGE or (last and last not in _DAY_RANGE):
                raise forms.ValidationError(f"“{line.strip()}”: start with a day, e.g. "
                                            "mon-fri 09:00-17:00.")
            chosen = days[_DAY_RANGE[first]:_DAY_RANGE[last or first] + 1]
            times = [s.strip().split("-") for s in spans.split(",") if s.strip()]
            if not times or any(len(t) != 2 for t in times):
                raise forms.ValidationError(f"“{line.strip()}”: give times as 09:00-17:00.")
            for day in chosen:
                out.setdefault(day, []).extend([t[0].strip(), t[1].strip()] for t in times)
        return out

    def clean_holidays(self) -> list[str]:
        return [d.strip() for d in self.cleaned_data["holidays"].split(",") if d.strip()]
