"""Translation review by local staff: a locale's messages out as a spreadsheet, corrections back in (issue 20.10)."""
