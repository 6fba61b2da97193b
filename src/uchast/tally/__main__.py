"""``python -m uchast.tally FILE.pb ...``: the same as ``uchast tally``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
