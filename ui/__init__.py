"""The Streamlit side of Truce that is not a page: session data, the view every page reads,
chart display and safe text. Pages import from here and from truce.views, nothing else."""
