"""The one error a reader raises: it names the input and the reason in one line."""


class InputError(Exception):
    """An input that cannot be read; the batch goes on with the rest."""

    def __init__(self, input_name: str, reason: str) -> None:
        super().__init__(f"{input_name}: {reason}")
        self.input_name = input_name
        self.reason = reason
