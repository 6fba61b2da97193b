"""Exit 0 if a PostgreSQL server answers at the given URL (used by ``make test``)."""

import sys

import psycopg


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else "postgres://postgres@127.0.0.1:5432/test"
    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3):
            return 0
    except psycopg.Error:
        return 1


if __name__ == "__main__":
    sys.exit(main())
