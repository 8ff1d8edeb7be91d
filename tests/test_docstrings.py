"""Every public callable documents exactly the parameters of its signature."""

import inspect

import pytest
from numpydoc.docscrape import ClassDoc, FunctionDoc

import sklstm

PUBLIC = [getattr(sklstm, name) for name in sklstm.__all__ if name != "__version__"]


def _documented(doc):
    names = []
    for param in doc["Parameters"]:
        # "a, b : float" documents two parameters at once.
        names.extend(n.strip() for n in param.name.split(","))
    return names


def _signature_params(func):
    return [
        name
        for name, p in inspect.signature(func).parameters.items()
        if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def _cases():
    for obj in PUBLIC:
        if inspect.isclass(obj):
            if issubclass(obj, Warning):
                continue
            yield obj.__name__, obj.__init__, ClassDoc(obj)
            for method in ("fit", "partial_fit", "predict", "transform"):
                if method in vars(obj):
                    func = getattr(obj, method)
                    yield f"{obj.__name__}.{method}", func, FunctionDoc(func)
        else:
            yield obj.__name__, obj, FunctionDoc(obj)


CASES = list(_cases())


@pytest.mark.parametrize("name, func, doc", CASES, ids=[c[0] for c in CASES])
def test_parameters_section_matches_signature(name, func, doc):
    assert _documented(doc) == _signature_params(func), name


@pytest.mark.parametrize("name, func, doc", CASES, ids=[c[0] for c in CASES])
def test_public_docstrings_have_summary(name, func, doc):
    assert doc["Summary"], f"{name} has no summary line"


def test_every_public_class_has_a_runnable_example():
    for obj in PUBLIC:
        if inspect.isclass(obj) and not issubclass(obj, Warning):
            assert ">>>" in (obj.__doc__ or ""), obj.__name__


def test_estimators_list_their_parameters_in_the_same_groups():
    # Architecture, what is learned, loss, optimisation, stopping, runtime:
    # the shared parameters stand in the same order in both signatures, and
    # the classifier's one loss parameter where the regressor's loss is.
    regressor = _signature_params(sklstm.LSTMRegressor.__init__)
    classifier = _signature_params(sklstm.LSTMClassifier.__init__)
    assert [n for n in classifier if n in regressor] == [
        n for n in regressor if n in classifier
    ]
    position = classifier.index("class_weight")
    assert classifier[position - 1 : position + 2] == [
        "min_observed_steps",
        "class_weight",
        "optimizer",
    ]
    assert regressor.index("input_lags") + 1 == regressor.index("loss")
