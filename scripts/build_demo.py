"""Build the built-in demo channel: ``assets/demo``, a signed repository.

Generates the demo's source media with ``make_demo_source.py`` (ffmpeg), makes a fresh demo key,
publishes with it, keeps only the public key (``assets/demo/demo.pub``) and throws the private key
away, so nobody can sign anything else with the demo key. The app trusts that key for the
``teachpoint-demo`` repository only.

    .venv/bin/python scripts/build_demo.py [--out assets/demo]

Re-running makes a new key and a new version 1: PCs that installed an older demo keep theirs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from teachpoint.resources import DEMO_REPOSITORY_ID
from teachpoint.repo import keys
from teachpoint.publish.publisher import publish

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE.parent / "assets" / "demo")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="teachpoint-demo-") as tmp:
        tmp = Path(tmp)
        src = tmp / "示范课程"
        subprocess.run([sys.executable, str(HERE / "make_demo_source.py"), "--out", str(src)], check=True)
        pair = keys.generate_keypair(tmp / "demo", name="TeachPoint 示范课程")
        if args.out.exists():
            shutil.rmtree(args.out)
        report = publish(src, pair.private_path, args.out, name=DEMO_REPOSITORY_ID,
                         title="TeachPoint 示范课程", expires_days=3650, progress=print)
        shutil.copyfile(pair.public_path, args.out / "demo.pub")
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"demo channel: {report.resources} resources, {size / 1e6:.2f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
