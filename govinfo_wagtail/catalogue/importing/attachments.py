"""Attachments of imported items: files named in the ``附件`` column, relative to a folder or
inside a .zip file that the administrator gives the command (``--attachments``).

Nothing is fetched from the network, and a name in the file cannot reach outside the folder
or the archive: absolute paths, drive letters, ``..`` steps and symbolic links out of the
folder are refused, and so is a file over the size limit or a compressed member that
expands suspiciously (a zip bomb). Each file becomes a Wagtail document in a collection
named after the item's agency; its text is extracted when the item's release runs the
automated checks, and for search after commit.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import zipfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.models import Collection

MAX_FILE_BYTES = 50 * 1024 * 1024  # as the automated checks read at most
MAX_ZIP_RATIO = 200  # uncompressed / compressed, for members over 1 MB


def safe_name(name: str) -> str | None:
    """The name as a relative POSIX path inside the source, or None if it would leave it."""
    text = name.strip().replace("\\", "/")
    if not text or text.startswith("/") or (len(text) > 1 and text[1] == ":") or "\x00" in text:
        return None
    parts = text.split("/")
    if any(part == ".." for part in parts):
        return None
    normal = posixpath.normpath(text)
    return None if normal in (".", "") or normal.startswith("../") else normal


class AttachmentSource:
    """A folder or a .zip file of attachments."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.zip: zipfile.ZipFile | None = None
        if self.path.is_file():
            self.zip = zipfile.ZipFile(self.path)  # BadZipFile: the caller reports it
            self.root = None
        else:
            self.root = self.path.resolve(strict=True)

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def _locate(self, name: str):
        relative = safe_name(name)
        if relative is None:
            return None, ("attachment_unsafe", _("the name leaves the attachments folder; give "
                                                 "a path relative to it."))
        if self.zip is not None:
            try:
                info = self.zip.getinfo(relative)
            except KeyError:
                return None, ("attachment_missing", _("no such file in the .zip file."))
            if info.is_dir():
                return None, ("attachment_missing", _("no such file in the .zip file."))
            if info.file_size > MAX_FILE_BYTES or (
                    info.file_size > 1 << 20
                    and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)):
                return None, ("attachment_too_large", _("the file is larger than %(mb)d MB.")
                              % {"mb": MAX_FILE_BYTES >> 20})
            return info, None
        target = (self.root / relative)
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError):
            return None, ("attachment_missing", _("no such file in the attachments folder."))
        if not real.is_relative_to(self.root) or not real.is_file():
            return None, ("attachment_unsafe" if not real.is_relative_to(self.root)
                          else "attachment_missing",
                          _("the name leaves the attachments folder; give a path relative to "
                            "it.") if not real.is_relative_to(self.root)
                          else _("no such file in the attachments folder."))
        if real.stat().st_size > MAX_FILE_BYTES:
            return None, ("attachment_too_large", _("the file is larger than %(mb)d MB.")
                          % {"mb": MAX_FILE_BYTES >> 20})
        return real, None

    def problem(self, name: str) -> tuple[str, str] | None:
        """(code, message) of why ``name`` cannot be attached, or None."""
        return self._locate(name)[1]

    def read(self, name: str) -> bytes:
        found, problem = self._locate(name)
        if problem is not None:
            raise ValueError(problem[1])
        if self.zip is not None:
            with self.zip.open(found) as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        else:
            data = found.read_bytes()
        if len(data) > MAX_FILE_BYTES:
            raise ValueError(_("the file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES >> 20})
        return data

    def digest(self, name: str) -> str:
        return hashlib.sha1(self.read(name)).hexdigest()


def agency_collection(agency, cache: dict) -> Collection:
    """The collection of the agency's documents (created under the root collection)."""
    key = agency.pk if agency is not None else None
    if key not in cache:
        name = agency.name if agency is not None else _("Imported attachments")
        root = Collection.get_first_root_node()
        found = root.get_children().filter(name=name).first()
        cache[key] = found or root.add_child(name=name)
    return cache[key]


def create_documents(source: AttachmentSource, names: list[str], *, agency, user,
                     collections: dict) -> list:
    """A Wagtail document for each file (saved to the document storage)."""
    Document = get_document_model()
    documents = []
    for name in names:
        data = source.read(name)
        base = posixpath.basename(safe_name(name))
        document = Document(title=base, collection=agency_collection(agency, collections),
                            uploaded_by_user=user)
        document.file.save(base, ContentFile(data), save=False)
        document.file_size = len(data)
        document.file_hash = hashlib.sha1(data).hexdigest()
        document.save()
        documents.append(document)
    return documents
