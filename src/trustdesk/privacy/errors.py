from trustdesk.core.errors import ConfigurationError, ValidationError


class InventoryError(ConfigurationError):
    """The data inventory file is unusable; the message names the file and the line."""

    code = "inventory_invalid"

    def __init__(self, path, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"Data inventory {where}: {problem}")
        self.line = line


class UndeclaredField(ValidationError):
    code = "undeclared_field"


class MissingRequiredField(ValidationError):
    code = "required"


class InvalidFieldValue(ValidationError):
    code = "invalid_value"
