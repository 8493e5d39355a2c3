"""Pure metric functions: a fact frame in, a small aggregate frame out.

Nothing here knows about Streamlit or charts; every function is tested against
numbers worked out by hand.
"""
