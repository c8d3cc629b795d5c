"""An upload handler that stops a request body past ``UPLOAD_MAX_BYTES`` while it streams.

Django checks a file's size only once it has received it whole (a 53 MB upload was read, and
written to disk, before the form said "too large"). This handler is first in
``FILE_UPLOAD_HANDLERS``: it counts the bytes as they arrive and aborts the upload past the
limit, so the view sees no file and its form answers "this field is required" (400 for the API).
The proxy's ``client_max_body_size`` is the first line (see docker-compose.yml).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
