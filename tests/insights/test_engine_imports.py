"""The insights engine stays free of Django, like the rest of the engine."""

import os
import pkgutil
import subprocess
import sys

import hoshin.engine.insights


def test_insights_engine_imports_without_django():
    modules = [f"hoshin.engine.insights.{module.name}" for module in pkgutil.iter_modules(hoshin.engine.insights.__path__)]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))\n"
    )
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    environment.pop("DJANGO_SETTINGS_MODULE", None)

    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=environment)

    assert len(modules) >= 4
    assert completed.stdout.strip() == "[]"
