"""A plugin that fails to import."""

import nianbao_module_that_does_not_exist  # noqa: F401
