"""Browser tests: the playground, the dashboard and the admin pages in a real headless Chromium."""
