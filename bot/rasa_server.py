"""`python -m bot.rasa_server run ...`: Rasa's own command line, with one speed fix.

Rasa 3.6 checks every action server response with `jsonschema.validate(result, schema)`. With
jsonschema 4.17 (the newest Rasa allows) that call first checks the *schema* against the 2020-12
meta-schema, every time: about 45 ms of a 60 ms reply on this machine (found with py-spy while
`python -m bot bench` ran). Here the validator for Rasa's constant schema is built once and every
response is still validated against it, so behaviour is unchanged and only the repeated schema
check is gone. Everything else is `python -m rasa`.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            "the Action endpoint is valid."
        )
        raise


def install() -> None:
    """Swap in the cached validator (idempotent)."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


if __name__ == "__main__":
    from rasa.__main__ import main

    install()
    main()
