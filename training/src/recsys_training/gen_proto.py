"""Generates the Python protobuf modules from the repository's proto/ folder.

The trainer writes the model manifest through the same definition the
TypeScript services read (proto/recsys/model/v1/manifest.proto), so the two
sides cannot drift.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from grpc_tools import protoc

PACKAGE_DIR = Path(__file__).resolve().parent
PROTO_ROOT = PACKAGE_DIR.parents[2] / "proto"
OUT_DIR = PACKAGE_DIR / "gen"
PROTOS = ["recsys/model/v1/manifest.proto"]


def main() -> int:
    OUT_DIR.mkdir(exist_ok=True)
    include = str(resources.files("grpc_tools") / "_proto")
    args = ["protoc", f"-I{PROTO_ROOT}", f"-I{include}", f"--python_out={OUT_DIR}", *PROTOS]
    if protoc.main(args) != 0:
        print("protoc failed", file=sys.stderr)
        return 1
    # protoc lays modules out by proto package; make every level importable.
    for folder in [OUT_DIR, *(p for p in OUT_DIR.rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
