"""Rapport triennal local de l'artificialisation (CGCT L2231-1 and R2231-1).

The draft of the report every commune with a PLU, a document en tenant lieu or a carte
communale — and every EPCI competent for a PLUi — presents to its council at least every
three years:

- ``figures``: section 1° from the Cerema flows (per year, per destination, share of the area,
  reference decade against 2021 onwards, comparisons, consumption per new household);
- ``corrections``: local figures in place of national ones, with their source and reason;
- ``report.draft``: every figure and sentence of one territory's report (the JSON);
- ``sentences``: the pre-filled zones to write and the draft deliberation;
- ``document`` and ``writers``: ODT, DOCX, HTML, PDF and JSON;
- ``batch``: every commune and EPCI of a perimeter, an index, nothing redone that did not change.

Functions receive the workspace they read (``DataContext``); ``territoire rtla`` is the command.
"""
