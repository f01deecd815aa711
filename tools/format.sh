#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/format.sh [FILE...] - apply .clang-format to the tree's C files (make format).
#
# With no FILE, every .c and .h file git knows of (tracked, or new and not ignored: no
# build directory).  clang-format 14 rewrites the files in place; `make check` then
# passes its format check.  Where the tool would make a file worse (a table laid out
# by hand, an ASCII diagram in code), fence the lines with `// clang-format off` and
# `// clang-format on` and say why on the off line; keep those few.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v clang-format >/dev/null || {
	echo "format: no clang-format (Debian: apt-get install clang-format)" >&2
	exit 1
}
if [[ $# -gt 0 ]]; then
	clang-format --style=file -i "$@"
	exit 0
fi
python3 tools/style_checks.py --list-c | xargs -0 -r -n 32 -P 2 clang-format --style=file -i
echo "  FORMAT  $(python3 tools/style_checks.py --list-c | tr -cd '\0' | wc -c) C files"
