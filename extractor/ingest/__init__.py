"""Files to a decoded document: encodings, HTML, DOCX, PDF geometry, normalising, the sections, body/year/format."""
