"""The domain core: payload schemas, integration rules, sync engine and reports.

Never imports Textual, Rich or the web framework (checked by tests/unit/test_layering.py).
"""
