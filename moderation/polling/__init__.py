"""The polling pipeline: fetch citizens' items from the platforms and store each exactly once."""
