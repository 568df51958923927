"""The prose pass: figures stated in the text, aligned to table cells and judged."""
