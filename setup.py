"""How the wheel is laid out (the rest of the metadata is in pyproject.toml).

Every folder of api/ with an __init__.py is a package (found, never listed). The PWA (web/)
and the migrations stay where they are in the repository and are mapped into the package
as api/_web and api/_migrations, so an installed wheel carries them; api/config.py finds
them there, or beside api/ in a checkout. docs/development.md says why.
"""

from setuptools import find_packages, setup

SHIPPED = {"api._web": "web", "api._migrations": "migrations"}

setup(
    packages=[*find_packages(include=["api", "api.*"]), *SHIPPED],
    package_dir=SHIPPED,
)
