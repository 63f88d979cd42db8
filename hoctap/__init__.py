"""hoctap, the application: the `hoctap` command, the project folder and its settings, the pipeline that
runs intake → scoring → results folder → Pelican, the reports, and the official papers.

The stages live in their own packages (`intake`, `scoring`, and the Pelican plugin under `site/`);
this package only wires them together and talks to the user.
"""
