"""The core is reachable without the TUI, the API or the web framework (SPEC section 2)."""

import json
import subprocess
import sys


def test_core_imports_no_ui_or_web_framework():
    code = (
        "import sys, json, pkgutil, importlib, bo_tui.core, bo_tui.store\n"
        "for m in pkgutil.walk_packages(bo_tui.core.__path__, 'bo_tui.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "{'textual','rich','fastapi','starlette','uvicorn'} or n.startswith(('bo_tui.tui','bo_tui.api')))\n"
        "print(json.dumps(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
