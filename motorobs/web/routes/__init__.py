"""The app's routes: sign-in pages, caseload pages, admin pages and the JSON API."""
