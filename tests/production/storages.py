"""A storage like S3's: files in memory, and no local path to ask for (InMemoryStorage would
answer a made-up path under MEDIA_ROOT)."""

import os

from django.core.files.storage import InMemoryStorage
from django.utils._os import safe_join


class RemoteLikeStorage(InMemoryStorage):
    def path(self, name: str) -> str:
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _relative_path(self, name: str) -> str:
        return os.path.relpath(safe_join(self.location, name), self.location)
