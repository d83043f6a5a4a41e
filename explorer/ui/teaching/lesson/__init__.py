"""The Lesson: narrated steps, each on one screen, with measured claims."""
