"""Demo content of this part, loaded by ``govinfo_demo`` after the catalogue (see core/demo.py)."""


def load_demo(context, log=print) -> None:
    """``context``: the DemoContext built by core.demo (agencies, topics, catalogue, admin)."""
