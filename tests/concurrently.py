"""Run the same act in several threads released together, each on its own database connection:
how two ticks, two workers or beat running twice meet in production."""

import threading

from django.db import connections


def at_once(act, copies=2):
    """The results of `copies` calls of `act` started at the same moment; a thread's exception is
    raised here, where the test sees it, instead of being lost with the thread."""
    start = threading.Barrier(copies)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(act())
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
