"""tools/monitor_line_checks.py - docgen's kind=monitor_line (docs/monitor.md).

tools/docgen.py turns kind=K into tools/K_checks.py's doc_transcript(), and
kind=monitor is its own; the generator lives beside the checks it mirrors,
in tools/monitor_checks.py.
"""

from monitor_checks import doc_transcript  # noqa: F401
