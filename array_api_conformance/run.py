#!/usr/bin/env python
"""Run the official Array API conformance suite (data-apis/array-api-tests)
against ``hologram_array``.

Usage::

    ARRAY_API_TESTS_DIR=/work/ext/array-api-tests \\
        python array_api_conformance/run.py [--max-examples N] [pytest args...]

Any argument not recognised by this script is forwarded to pytest unchanged.
If none of the forwarded arguments names a test path (something starting with
``array_api_tests``), the whole ``array_api_tests/`` directory is run.  Paths
are relative to the suite checkout (pytest runs with the suite as its working
directory), e.g. ``array_api_tests/test_creation_functions.py``.

The script prints one summary line at the end and exits non-zero when any
test failed or errored (or when pytest itself reported a problem).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent
XFAILS_FILE = HERE / "xfails.txt"

MODULE = "hologram_array"
API_VERSION = "2025.12"


def _die(msg: str) -> "NoReturn":  # type: ignore[name-defined]
    print(f"run.py: error: {msg}", file=sys.stderr)
    sys.exit(2)


def _suite_dir() -> Path:
    value = os.environ.get("ARRAY_API_TESTS_DIR")
    if not value:
        _die(
            "ARRAY_API_TESTS_DIR is not set. Set it to a checkout of "
            "https://github.com/data-apis/array-api-tests (with its array-api/ "
            "submodule checked out); see array_api_conformance/README.md."
        )
    path = Path(value).expanduser().resolve()
    if not path.is_dir():
        _die(f"ARRAY_API_TESTS_DIR={value!r} is not a directory.")
    if not (path / "array_api_tests").is_dir() or not (path / "conftest.py").is_file():
        _die(
            f"ARRAY_API_TESTS_DIR={value!r} does not look like an array-api-tests "
            "checkout (expected array_api_tests/ and conftest.py in it)."
        )
    if not (path / "array-api" / "spec").is_dir():
        _die(
            f"{path / 'array-api'} is missing or empty: the suite's submodule "
            "(data-apis/array-api) must be checked out there."
        )
    return path


def _clean_xfails(src: Path, dst: Path) -> int:
    """Copy ``src`` to ``dst`` in the format the suite's conftest understands.

    Our format allows a trailing ``# reason`` after each test id; the suite
    only skips whole-line comments and would otherwise treat the reason as part
    of the id, so strip it here.  Returns the number of ids written.
    """
    ids = []
    if src.exists():
        for line in src.read_text().splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            test_id = stripped.split(" #", 1)[0].split("\t#", 1)[0].strip()
            if test_id:
                ids.append(test_id)
    dst.write_text("".join(f"{i}\n" for i in ids))
    return len(ids)


def _summarise_junit(path: Path) -> dict:
    counts = dict(passed=0, failed=0, errors=0, skipped=0, xfailed=0)
    if not path.exists():
        return counts
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        children = {child.tag: child for child in case}
        if "failure" in children:
            counts["failed"] += 1
        elif "error" in children:
            counts["errors"] += 1
        elif "skipped" in children:
            if children["skipped"].get("type") == "pytest.xfail":
                counts["xfailed"] += 1
            else:
                counts["skipped"] += 1
        else:
            counts["passed"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument(
        "--max-examples",
        type=int,
        default=200,
        help="Hypothesis max examples per test (default: 200)",
    )
    args, pytest_args = parser.parse_known_args(argv)

    suite = _suite_dir()

    env = os.environ.copy()
    env["ARRAY_API_TESTS_MODULE"] = MODULE
    env["ARRAY_API_TESTS_VERSION"] = API_VERSION
    # Make the project importable even if it is not pip-installed (-e).
    pythonpath = [str(PROJECT_ROOT)]
    if env.get("PYTHONPATH"):
        pythonpath.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(pythonpath)

    with tempfile.TemporaryDirectory(prefix="hologram-array-api-") as tmp:
        tmp = Path(tmp)
        xfails = tmp / "xfails.txt"
        n_xfails = _clean_xfails(XFAILS_FILE, xfails)
        junit = tmp / "junit.xml"
        # Honour a --junitxml/--junit-xml given by the caller (pytest keeps the
        # last one given), and read the counts from that file.
        for i, a in enumerate(pytest_args):
            for opt in ("--junitxml", "--junit-xml"):
                if a == opt and i + 1 < len(pytest_args):
                    junit = Path(suite, pytest_args[i + 1])
                elif a.startswith(opt + "="):
                    junit = Path(suite, a.split("=", 1)[1])

        if junit.exists():
            junit.unlink()
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            f"--max-examples={args.max_examples}",
            f"--xfails-file={xfails}",
            f"--junitxml={junit}",
            # A module that fails to import (e.g. a missing xp.finfo used at
            # module level) must not stop the rest of the suite; it is counted
            # as an error in the summary.
            "--continue-on-collection-errors",
            *pytest_args,
        ]
        if not any(a.startswith("array_api_tests") for a in pytest_args):
            cmd.append("array_api_tests/")

        print(f"run.py: suite at {suite}", flush=True)
        print(
            f"run.py: ARRAY_API_TESTS_MODULE={MODULE} "
            f"ARRAY_API_TESTS_VERSION={API_VERSION} "
            f"xfails={XFAILS_FILE} ({n_xfails} ids)",
            flush=True,
        )
        print("run.py: " + " ".join(cmd), flush=True)
        try:
            rc = subprocess.call(cmd, cwd=suite, env=env)
        except KeyboardInterrupt:
            rc = 130
        counts = _summarise_junit(junit)

    print(
        "array-api conformance summary: "
        f"passed={counts['passed']} failed={counts['failed']} "
        f"errors={counts['errors']} skipped={counts['skipped']} "
        f"xfailed={counts['xfailed']} (pytest exit status {rc})",
        flush=True,
    )
    if counts["failed"] or counts["errors"]:
        return 1
    # 5 = no tests collected; treat as failure too, like any other pytest error.
    return rc


if __name__ == "__main__":
    sys.exit(main())
