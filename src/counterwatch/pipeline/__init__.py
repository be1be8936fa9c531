"""Running the pipeline: ingest orchestration, cluster mode and the server's job worker. Above the store
and extraction, so the store never loads a model to be imported."""
