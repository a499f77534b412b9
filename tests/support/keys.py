"""Keys shared by the tests of the headless commands: odd names in several categories."""

CLI_KEYS = [
    "videos/intros/intro Анна 01.mp4",
    "videos/reminders/reminder_001.mp4",
    "photos/quotes/quote +1 100% #1?.png",
    "images/avatars/avatar Max.png",
    "upload_log.txt",
]
