"""What leaves or enters the app: PDF, CSV, MS Project XML, iCalendar, JSON, images."""
