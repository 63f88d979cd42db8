"""The official papers of a year (Nghị định 30/2020/NĐ-CP format), rendered from the results contract.

- `command`: `hoctap documents` (options, output folder, PDF);
- `generate`: which papers a year has and where each goes;
- `context_*`: the typed, pre-formatted values of each paper (`context_common`: the NĐ 30 frame, safe text,
  who issues what; `context_levels`, `context_council`: Thông tư 24/2023; `context_points`: Thông tư 22/2020;
  `context_summary`: the Sở's report of the year);
- `render`: docxtpl (autoescape, sandbox, strict fields) and LibreOffice headless for PDF;
- `nd30_blocks`, `paper_frame`, `designs_*`, `catalogue`: the default templates as code, written to
  `templates/*.docx` by `scripts/make_paper_templates.py`.
"""
