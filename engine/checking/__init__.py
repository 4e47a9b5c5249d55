"""Stage 2 for a run: which rules run and how (profile, plugins, catalogue), who each report is, running the rules
over one report and across reports, scoring, and saying the results in the run's language."""
