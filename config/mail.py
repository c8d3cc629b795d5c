"""Development e-mail: one line per message instead of the whole message (issue 13).

The console backend dumped every demo e-mail (headers, bodies, links) into ``make run``'s output;
this prints who would receive what. Set ``EMAIL_BACKEND`` to the console or SMTP backend to see more.
"""

import sys

from django.core.mail.backends.base import BaseEmailBackend


class SummaryEmailBackend(BaseEmailBackend):
    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout

    def send_messages(self, email_messages):
        for message in email_messages:
            self.stream.write(f"[e-mail not sent, development] to {', '.join(message.to)}: {message.subject}\n")
        self.stream.flush()
        return len(email_messages)
