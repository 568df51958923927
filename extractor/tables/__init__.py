"""The four tables: cells and their readings, the grid reader, the validator's rules, a PDF's finishing step."""
