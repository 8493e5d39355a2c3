"""Page models: one module per page, `build(selection, contract, options) -> <Page>Model`.

A model is a frozen dataclass holding every number, table, sentence and chart frame its
page shows. Pages, `python -m truce report` and the benchmark call the same `build()`, so
each number has one definition. Nothing here imports Streamlit.
"""
