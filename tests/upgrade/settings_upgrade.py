"""The test settings of whichever code is on the path, as a site that named its emergency
group in the (now deprecated) setting."""

from tests.settings import *  # noqa: F401,F403

GOVINFO_EMERGENCY_RELEASE_GROUP = "应急发布"
