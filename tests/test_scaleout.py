"""Scale-out: joblib workers and a real dask.distributed cluster on loopback."""

import logging

import joblib
import numpy as np
import pandas as pd
import pytest
from _settings import tiny
from numpy.testing import assert_allclose
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from sklstm import LSTMRegressor, SlidingWindowTransformer, frame_supervised


def _worker_threads():
    import torch

    return torch.get_num_threads()


def noisy_series(n=90):
    rng = np.random.default_rng(0)
    t = np.arange(n)
    return pd.Series(np.sin(t / 4) + 0.1 * rng.normal(size=n), name="y")


def small_search(n_jobs=None):
    pipe = make_pipeline(
        SlidingWindowTransformer(window_length=3),
        LSTMRegressor(**tiny(max_epochs=3)),
    )
    return GridSearchCV(
        pipe,
        {
            "slidingwindowtransformer__window_length": [3, 5],
            "lstmregressor__hidden_size": [4, 8],
        },
        cv=TimeSeriesSplit(3),
        n_jobs=n_jobs,
    )


def test_joblib_workers_do_not_oversubscribe_the_cores():
    # loky gives each of k workers cpu_count // k threads (OMP_NUM_THREADS),
    # which torch reads at import.
    n_jobs = 2
    threads = joblib.Parallel(n_jobs=n_jobs)(
        joblib.delayed(_worker_threads)() for _ in range(n_jobs)
    )
    expected = max(1, joblib.cpu_count() // n_jobs)
    assert threads == [expected] * n_jobs


def test_estimator_pickles_without_open_handles():
    import pickle

    X, y = frame_supervised(noisy_series())
    pipe = small_search().estimator.fit(X, y)
    restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(restored.predict(X), pipe.predict(X))


@pytest.fixture(scope="module")
def dask_client():
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_grid_search_on_a_local_dask_cluster_matches_the_local_run(dask_client):
    X, y = frame_supervised(noisy_series())
    local = small_search(n_jobs=1).fit(X, y)
    with joblib.parallel_backend("dask"):
        remote = small_search(n_jobs=-1).fit(X, y)
    assert remote.best_params_ == local.best_params_
    assert_allclose(
        remote.cv_results_["mean_test_score"],
        local.cv_results_["mean_test_score"],
        rtol=1e-6,
    )
    # The work really ran on the cluster's worker processes.
    assert len(dask_client.scheduler_info()["workers"]) == 2


def noisy_panel(n=60):
    rng = np.random.default_rng(1)
    t = np.arange(n)
    days = pd.date_range("2024-01-01", periods=n, freq="D")
    frames = [
        pd.Series(
            level + np.sin(t / 4 + k) + 0.1 * rng.normal(size=n),
            index=pd.MultiIndex.from_product([[f"s{k}"], days], names=["id", "day"]),
            name="y",
        )
        for k, level in enumerate([0.0, 3.0, -2.0])
    ]
    return pd.concat(frames).sample(frac=1.0, random_state=0)  # rows in any order


def test_grid_search_over_a_panel_on_a_local_dask_cluster(dask_client):
    from sklstm import PanelTimeSeriesSplit

    X, y = frame_supervised(noisy_panel())
    search = small_search()
    local = search.set_params(cv=PanelTimeSeriesSplit(3), n_jobs=1).fit(X, y)
    with joblib.parallel_backend("dask"):
        remote = small_search().set_params(cv=PanelTimeSeriesSplit(3), n_jobs=-1)
        remote.fit(X, y)
    assert remote.best_params_ == local.best_params_
    assert_allclose(
        remote.cv_results_["mean_test_score"],
        local.cv_results_["mean_test_score"],
        rtol=1e-6,
    )
