"""Official documents in the Decree 30/2020/NĐ-CP format (văn bản hành chính).

One document model (`model.OfficialDocument`: a header, then blocks — headings, paragraphs,
lists, tables, charts — then recipients and the signer) is built from the data by
`builders`, and drawn twice: as Word by `docx` (python-docx, over a template kept in
`reports/templates_docx/`) and as PDF by `pdf` (WeasyPrint from the HTML template
`reports/official/document.html`). Narrative and tables come from the same numbers, so they
agree by construction.
"""
