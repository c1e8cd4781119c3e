from trustdesk.core.errors import ValidationError


class NotSearchable(ValidationError):
    code = "not_searchable"
