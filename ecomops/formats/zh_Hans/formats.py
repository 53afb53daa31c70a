from ecomops.formats._shared import *  # noqa: F403
