"""Pages of the labels app: scan resolver and mobile device page, printing, audits."""
