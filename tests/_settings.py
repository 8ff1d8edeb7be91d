"""Small-model settings shared by the test files, and one helper on such models.

The suite trains real networks on two CPU cores, so every test that does not
study learning quality fits a model this small. Import from here instead of
spelling the sizes out again::

    from _settings import TINY, tiny

(pytest puts ``tests/`` on ``sys.path``: the directory has no ``__init__.py``
and the default ``prepend`` import mode is in use, so this plain module is
importable from every test file, while ``conftest.py`` is not meant to be.)
"""

# Four units and two epochs: a fit takes well under a second, yet the weights
# move, so tests can tell trained from untrained and one seed from another.
TINY = dict(hidden_size=4, max_epochs=2, random_state=0)


def tiny(**overrides):
    """``TINY`` with some settings replaced or added, as a new dict."""
    return {**TINY, **overrides}


def params_of(model):
    """A detached copy of a fitted ``LSTMRegressor``'s weights, by name."""
    return {k: v.detach().clone() for k, v in model.net_.module_.state_dict().items()}
